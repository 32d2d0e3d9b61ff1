<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>AboutDialog</name>
    <message>
        <source>WenQuanYi Micro Hei 0.2.0-beta (all text)</source>
        <translation>文泉驿微米黑 0.2.0 测试版（全部文字）</translation>
    </message>
    <message>
        <source>Apache License 2.0</source>
        <translation>Apache 许可证 2.0</translation>
    </message>
    <message>
        <source>Rare characters: Extension A and B from Noto Sans CJK SC and Hanazono Mincho B</source>
        <translation>生僻字：扩展A区、扩展B区（取自思源黑体简体与花园明朝B）</translation>
    </message>
    <message>
        <source>SIL Open Font License 1.1</source>
        <translation>SIL 开放字体许可证 1.1</translation>
    </message>
    <message>
        <source>About</source>
        <translation>关于</translation>
    </message>
    <message>
        <source>Hardship Assistance {0}</source>
        <translation>困难职工帮扶管理 {0}</translation>
    </message>
    <message>
        <source>Database</source>
        <translation>数据库</translation>
    </message>
    <message>
        <source>Backups</source>
        <translation>备份文件夹</translation>
    </message>
    <message>
        <source>Bundled fonts (choose one to read its licence):</source>
        <translation>随程序附带的字体（选中可查看许可证）：</translation>
    </message>
    <message>
        <source>(no licence file)</source>
        <translation>（缺少许可证文件）</translation>
    </message>
    <message>
        <source>{0} ({1}) — {2}</source>
        <translation>{0}（{1}）— {2}</translation>
    </message>
    <message>
        <source>The licence as issued (its legal text, in English):</source>
        <translation>许可证原文（具有法律效力的英文文本）：</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
</context>
<context>
    <name>AdminPage</name>
    <message>
        <source>Administrator</source>
        <translation>管理员</translation>
    </message>
    <message>
        <source>The account that manages users and settings. Keep the password safe.</source>
        <translation>管理员负责管理用户和设置，请妥善保管密码。</translation>
    </message>
    <message>
        <source>Username</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>Repeat password</source>
        <translation>再次输入密码</translation>
    </message>
    <message>
        <source>The two passwords differ.</source>
        <translation>两次输入的密码不一致。</translation>
    </message>
</context>
<context>
    <name>ChangePasswordDialog</name>
    <message>
        <source>New password</source>
        <translation>新密码</translation>
    </message>
    <message>
        <source>Your password was set by the administrator. Choose your own before you start.</source>
        <translation>您的密码由管理员设置，开始工作前请改为自己的密码。</translation>
    </message>
    <message>
        <source>Again</source>
        <translation>再次输入</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>The two passwords differ.</source>
        <translation>两次输入的密码不一致。</translation>
    </message>
</context>
<context>
    <name>ComingPage</name>
    <message>
        <source>This section is coming in a later version.</source>
        <translation>此功能将在后续版本中提供。</translation>
    </message>
</context>
<context>
    <name>Diagnostics</name>
    <message>
        <source>Export diagnostics</source>
        <translation>导出诊断信息</translation>
    </message>
    <message>
        <source>Zip files (*.zip)</source>
        <translation>压缩文件 (*.zip)</translation>
    </message>
    <message>
        <source>Diagnostics written to {0}.

It holds the program's and the system's versions, the database's row counts and the program's logs, and nothing of the files' contents. Give it to your IT staff; nothing has been sent anywhere.</source>
        <translation>诊断信息已保存到 {0}。

其中只有程序和系统的版本、数据库各表的行数和程序运行日志，不含档案内容。请把这个文件交给信息技术人员；程序没有向任何地方发送数据。</translation>
    </message>
</context>
<context>
    <name>FirstRunWizard</name>
    <message>
        <source>First run</source>
        <translation>首次使用</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>下一步</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>上一步</translation>
    </message>
    <message>
        <source>Create</source>
        <translation>创建</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>开始使用</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>LocationPage</name>
    <message>
        <source>Where the data is kept</source>
        <translation>数据存放在哪里</translation>
    </message>
    <message>
        <source>On this computer alone, or on the database server your office shares.</source>
        <translation>只放在这台电脑上，或放在单位各台电脑共用的数据库服务器上。</translation>
    </message>
    <message>
        <source>A data file on this computer (one desk)</source>
        <translation>本机数据文件（只在这台电脑上使用）</translation>
    </message>
    <message>
        <source>The office's database server (several desks, a city or a province)</source>
        <translation>单位的数据库服务器（办公室几台电脑共用，或市、省总工会）</translation>
    </message>
    <message>
        <source>for example postgresql://assist@192.168.1.10/assist</source>
        <translation>例如 postgresql://assist@192.168.1.10/assist</translation>
    </message>
    <message>
        <source>Remember the password in this computer's keyring</source>
        <translation>在本机的系统钥匙串中记住密码</translation>
    </message>
    <message>
        <source>Server address</source>
        <translation>服务器地址</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>The address and password come from whoever set up the PostgreSQL server.</source>
        <translation>服务器地址和密码由安装 PostgreSQL 数据库服务器的信息管理员提供。</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <source>Log in</source>
        <translation>登录</translation>
    </message>
    <message>
        <source>Username</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>正在验证…</translation>
    </message>
    <message>
        <source>Opening the database; this takes longer the first time after an update…</source>
        <translation>正在打开数据库；更新程序后第一次打开会慢一些…</translation>
    </message>
    <message>
        <source>The database could not be opened.</source>
        <translation>无法打开数据库。</translation>
    </message>
    <message>
        <source>Choose a password of your own to continue.</source>
        <translation>请先设置自己的密码，才能继续。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Hardship files</source>
        <translation>困难职工档案</translation>
    </message>
    <message>
        <source>Golden Autumn scholarships</source>
        <translation>金秋助学</translation>
    </message>
    <message>
        <source>Spring Festival visits</source>
        <translation>春节送温暖</translation>
    </message>
    <message>
        <source>Approvals</source>
        <translation>审批</translation>
    </message>
    <message>
        <source>Printing</source>
        <translation>打印</translation>
    </message>
    <message>
        <source>Sync</source>
        <translation>同步</translation>
    </message>
    <message>
        <source>Statistics</source>
        <translation>统计</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Hardship Assistance {0}</source>
        <translation>困难职工帮扶管理 {0}</translation>
    </message>
    <message>
        <source> (demo)</source>
        <translation>（演示）</translation>
    </message>
    <message>
        <source> (not encrypted)</source>
        <translation>（未加密）</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>Back up now</source>
        <translation>立即备份</translation>
    </message>
    <message>
        <source>Switch user…</source>
        <translation>切换用户…</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>&amp;Tools</source>
        <translation>工具(&amp;T)</translation>
    </message>
    <message>
        <source>Verify a payment voucher…</source>
        <translation>核验发放凭证…</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>Export diagnostics…</source>
        <translation>导出诊断信息…</translation>
    </message>
    <message>
        <source>About</source>
        <translation>关于</translation>
    </message>
    <message>
        <source>Backed up to {0}</source>
        <translation>已备份到 {0}</translation>
    </message>
    <message>
        <source>Backing up</source>
        <translation>正在备份</translation>
    </message>
    <message>
        <source>Switch user</source>
        <translation>切换用户</translation>
    </message>
    <message>
        <source>Database damaged</source>
        <translation>数据库已损坏</translation>
    </message>
    <message>
        <source>User: {0} ({1})</source>
        <translation>用户：{0}（{1}）</translation>
    </message>
    <message>
        <source>Unit: {0}</source>
        <translation>单位：{0}</translation>
    </message>
    <message>
        <source>Database: {0}</source>
        <translation>数据库：{0}</translation>
    </message>
    <message>
        <source>Last backup: {0}</source>
        <translation>最近备份：{0}</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Not yet synced: {0}</source>
        <translation>未同步：{0} 条</translation>
    </message>
</context>
<context>
    <name>RecoveryKeyPage</name>
    <message>
        <source>Recovery key</source>
        <translation>恢复密钥</translation>
    </message>
    <message>
        <source>The database is encrypted. Write this key down or print it, and give it to the chair to keep in the safe. It is shown only now.</source>
        <translation>数据库已加密。请抄写或打印下面的恢复密钥，交主席放入保险柜保管。它只显示这一次。</translation>
    </message>
    <message>
        <source>If every password is lost, this key still opens the database (see "Recovery" in the manual). Without it and without any user's password, the data cannot be read by anyone. When copying the database, copy the key file beside it with the same name as well.</source>
        <translation>所有密码都遗失时，仍可用它打开数据库（见使用说明“恢复”一节）。没有它，也没有任何一位用户的密码，谁也无法读出数据。复制数据库时，请连同旁边同名的钥匙文件一起复制。</translation>
    </message>
    <message>
        <source>I have written down or printed the recovery key for the chair</source>
        <translation>我已抄写或打印恢复密钥，交主席保管</translation>
    </message>
</context>
<context>
    <name>ServerPasswordDialog</name>
    <message>
        <source>Database server</source>
        <translation>数据库服务器</translation>
    </message>
    <message>
        <source>Connect to the database server {0}:{1}, database {2}, as {3}.</source>
        <translation>连接数据库服务器 {0}:{1} 上的数据库 {2}，登录用户 {3}。</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>Remember the password in this computer's keyring</source>
        <translation>在本机的系统钥匙串中记住密码</translation>
    </message>
    <message>
        <source>Connect</source>
        <translation>连接</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>UnitPage</name>
    <message>
        <source>Your union</source>
        <translation>本级工会</translation>
    </message>
    <message>
        <source>The county federation this program keeps files for.</source>
        <translation>本程序为之建档管理的县级总工会。</translation>
    </message>
    <message>
        <source>6-digit region code, e.g. 610826</source>
        <translation>6位行政区划代码，如 610826</translation>
    </message>
    <message>
        <source>e.g. Suide County Federation of Trade Unions</source>
        <translation>如 绥德县总工会</translation>
    </message>
    <message>
        <source>Region code</source>
        <translation>行政区划代码</translation>
    </message>
    <message>
        <source>Unit name</source>
        <translation>单位名称</translation>
    </message>
    <message>
        <source>{0} Federation of Trade Unions</source>
        <translation>{0}总工会</translation>
    </message>
</context>
<context>
    <name>WaitingNotice</name>
    <message>
        <source> (waited {0} s)</source>
        <translation>（已等待 {0} 秒）</translation>
    </message>
</context>
</TS>
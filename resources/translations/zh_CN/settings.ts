<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>BackupPasswordDialog</name>
    <message>
        <source>Encrypted backup</source>
        <translation>加密的备份</translation>
    </message>
    <message>
        <source>{0} is encrypted. Type the password a user had when it was made, or the recovery key kept in the safe.</source>
        <translation>{0} 已加密。请输入备份时某位用户当时的密码，或保险柜中保管的恢复密钥。</translation>
    </message>
    <message>
        <source>Username</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>Password or recovery key</source>
        <translation>密码或恢复密钥</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <source>Opening the backup</source>
        <translation>正在打开备份</translation>
    </message>
</context>
<context>
    <name>ChangePasswordDialog</name>
    <message>
        <source>Change my password</source>
        <translation>修改我的密码</translation>
    </message>
    <message>
        <source>Account {0} ({1}).</source>
        <translation>账户：{0}（{1}）。</translation>
    </message>
    <message>
        <source>Current password</source>
        <translation>原密码</translation>
    </message>
    <message>
        <source>at least 8 characters</source>
        <translation>至少 8 个字符</translation>
    </message>
    <message>
        <source>New password</source>
        <translation>新密码</translation>
    </message>
    <message>
        <source>Password again</source>
        <translation>再次输入</translation>
    </message>
    <message>
        <source>The two passwords differ.</source>
        <translation>两次输入的密码不一致。</translation>
    </message>
</context>
<context>
    <name>DeactivateDialog</name>
    <message>
        <source>Deactivate {0}</source>
        <translation>停用用户：{0}</translation>
    </message>
    <message>
        <source>{0} ({1}) will no longer be able to log in. Nothing they did is deleted; the account can be enabled again.</source>
        <translation>{0}（{1}）将不能再登录。其办理的记录不会删除，账户以后可以重新启用。</translation>
    </message>
    <message>
        <source>e.g. transferred to another unit</source>
        <translation>如：调离本单位</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>停用原因</translation>
    </message>
    <message>
        <source>Deactivate</source>
        <translation>停用</translation>
    </message>
</context>
<context>
    <name>FormDialog</name>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>The operation failed unexpectedly. Nothing was saved.</source>
        <translation>操作意外失败，未保存任何内容。</translation>
    </message>
    <message>
        <source>Saving</source>
        <translation>正在保存</translation>
    </message>
</context>
<context>
    <name>NewUserDialog</name>
    <message>
        <source>New user</source>
        <translation>新建用户</translation>
    </message>
    <message>
        <source>The user must replace this password with one of their own at the first login.</source>
        <translation>用户首次登录时须将此密码改为自己的密码。</translation>
    </message>
    <message>
        <source>letters and digits, e.g. zhangwei</source>
        <translation>字母或数字，如姓名拼音</translation>
    </message>
    <message>
        <source>Username</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>e.g. Zhang Wei</source>
        <translation>如：张伟</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>at least 8 characters</source>
        <translation>至少 8 个字符</translation>
    </message>
    <message>
        <source>Initial password</source>
        <translation>初始密码</translation>
    </message>
    <message>
        <source>Password again</source>
        <translation>再次输入</translation>
    </message>
    <message>
        <source>Roles</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>Union</source>
        <translation>所属工会</translation>
    </message>
    <message>
        <source>The two passwords differ.</source>
        <translation>两次输入的密码不一致。</translation>
    </message>
    <message>
        <source>Creating the user</source>
        <translation>正在新建用户</translation>
    </message>
</context>
<context>
    <name>OtherUnitRestoreDialog</name>
    <message>
        <source>Restore another unit's database</source>
        <translation>恢复其他单位的数据库</translation>
    </message>
    <message>
        <source>This file belongs to {0}, not to this unit, {1}. After the restore this unit's users cannot log in, and the two units' records would be mixed up.</source>
        <translation>这个文件属于 {0}，不是本单位 {1} 的数据库。恢复后本单位的用户将无法登录，两个单位的数据也会混在一起。</translation>
    </message>
    <message>
        <source>Only if you are sure, type the name of the file's unit to confirm:</source>
        <translation>如确需恢复，请输入该文件所属单位的名称以确认：</translation>
    </message>
    <message>
        <source>Replace the current database</source>
        <translation>替换当前数据库</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>ReactivateDialog</name>
    <message>
        <source>Enable {0}</source>
        <translation>启用 {0}</translation>
    </message>
    <message>
        <source>The database is encrypted: the key of {0} ({1}) was taken back when the account was deactivated. Give a new password; they replace it at their first login.</source>
        <translation>数据库已加密：停用 {0}（{1}）时已收回其打开数据库的钥匙。请设置新密码，本人首次登录时再改为自己的密码。</translation>
    </message>
    <message>
        <source>at least 8 characters</source>
        <translation>至少 8 个字符</translation>
    </message>
    <message>
        <source>New password</source>
        <translation>新密码</translation>
    </message>
    <message>
        <source>Password again</source>
        <translation>再次输入</translation>
    </message>
    <message>
        <source>Enable</source>
        <translation>启用</translation>
    </message>
    <message>
        <source>The two passwords differ.</source>
        <translation>两次输入的密码不一致。</translation>
    </message>
</context>
<context>
    <name>ResetPasswordDialog</name>
    <message>
        <source>Reset the password of {0}</source>
        <translation>重置密码：{0}</translation>
    </message>
    <message>
        <source>Give {0} ({1}) a new password. They must replace it at their next login; a lock on the account is lifted.</source>
        <translation>为{0}（{1}）设置新密码。该用户下次登录时须修改密码；账户如被锁定将同时解锁。</translation>
    </message>
    <message>
        <source>at least 8 characters</source>
        <translation>至少 8 个字符</translation>
    </message>
    <message>
        <source>New password</source>
        <translation>新密码</translation>
    </message>
    <message>
        <source>Password again</source>
        <translation>再次输入</translation>
    </message>
    <message>
        <source>Reset</source>
        <translation>重置</translation>
    </message>
    <message>
        <source>The two passwords differ.</source>
        <translation>两次输入的密码不一致。</translation>
    </message>
</context>
<context>
    <name>RolesDialog</name>
    <message>
        <source>Roles of {0}</source>
        <translation>设置角色：{0}</translation>
    </message>
    <message>
        <source>User {0} ({1}). Roles apply at once; the user's screens follow them from the next login.</source>
        <translation>用户：{0}（{1}）。角色立即生效；该用户的界面在下次登录后随之更新。</translation>
    </message>
    <message>
        <source>Roles</source>
        <translation>角色</translation>
    </message>
</context>
<context>
    <name>SettingsPage</name>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Standards tables:</source>
        <translation>救助标准：</translation>
    </message>
    <message>
        <source>Golden Autumn scholarships…</source>
        <translation>金秋助学…</translation>
    </message>
    <message>
        <source>Spring Festival visits…</source>
        <translation>春节送温暖…</translation>
    </message>
    <message>
        <source>Users</source>
        <translation>用户管理</translation>
    </message>
    <message>
        <source>Grassroots unions</source>
        <translation>基层工会</translation>
    </message>
    <message>
        <source>Data and backups</source>
        <translation>数据与备份</translation>
    </message>
    <message>
        <source>Change my password…</source>
        <translation>修改我的密码…</translation>
    </message>
    <message>
        <source>The users of this unit. A deactivated user can no longer log in; what they did is kept. Users are never deleted.</source>
        <translation>本单位的用户。停用的用户不能再登录，其办理的记录保留；用户不会被删除。</translation>
    </message>
    <message>
        <source> The users reported by the units below are managed by those units and are not listed here.</source>
        <translation>下级单位报送的用户由各单位自行管理，不在此列出。</translation>
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
        <source>Roles</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>Union</source>
        <translation>所属工会</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Must change password</source>
        <translation>须改密码</translation>
    </message>
    <message>
        <source>New user…</source>
        <translation>新建用户…</translation>
    </message>
    <message>
        <source>Set roles…</source>
        <translation>设置角色…</translation>
    </message>
    <message>
        <source>Deactivate…</source>
        <translation>停用…</translation>
    </message>
    <message>
        <source>Enable</source>
        <translation>启用</translation>
    </message>
    <message>
        <source>Reset password…</source>
        <translation>重置密码…</translation>
    </message>
    <message>
        <source>Unlock</source>
        <translation>解锁</translation>
    </message>
    <message>
        <source>Only an administrator manages users. You can change your own password here.</source>
        <translation>只有管理员可以管理用户。您可以在这里修改自己的密码。</translation>
    </message>
    <message>
        <source>My account</source>
        <translation>我的账户</translation>
    </message>
    <message>
        <source>Deactivated</source>
        <translation>停用</translation>
    </message>
    <message>
        <source>Locked until {0}</source>
        <translation>锁定至 {0}</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>启用</translation>
    </message>
    <message>
        <source>Yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>User {0} ({1}) created; they choose their own password at the first login.</source>
        <translation>已新建用户{0}（{1}），该用户首次登录时须设置自己的密码。</translation>
    </message>
    <message>
        <source>Roles of {0} saved.</source>
        <translation>已保存{0}的角色。</translation>
    </message>
    <message>
        <source>{0} deactivated.</source>
        <translation>已停用{0}。</translation>
    </message>
    <message>
        <source>Password of {0} reset; they must change it at their next login.</source>
        <translation>已重置{0}的密码，该用户下次登录时须修改密码。</translation>
    </message>
    <message>
        <source>{0} can log in again with the new password.</source>
        <translation>{0} 可以用新密码重新登录。</translation>
    </message>
    <message>
        <source>{0} can log in again.</source>
        <translation>{0}已启用，可以重新登录。</translation>
    </message>
    <message>
        <source>Saving</source>
        <translation>正在保存</translation>
    </message>
    <message>
        <source>{0} unlocked.</source>
        <translation>已解锁{0}。</translation>
    </message>
    <message>
        <source>Your password has been changed.</source>
        <translation>密码已修改。</translation>
    </message>
    <message>
        <source>Files, scholarships and visits are filed under this unit or one of its grassroots unions.</source>
        <translation>档案、助学申请和走访登记在本单位或其下的基层工会名下。</translation>
    </message>
    <message>
        <source> Only an administrator adds or renames a union.</source>
        <translation>只有管理员可以新增基层工会或修改名称。</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>代码</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>级别</translation>
    </message>
    <message>
        <source>Union name</source>
        <translation>工会名称</translation>
    </message>
    <message>
        <source>New grassroots union…</source>
        <translation>新增基层工会…</translation>
    </message>
    <message>
        <source>Rename…</source>
        <translation>改名…</translation>
    </message>
    <message>
        <source>{0} added with the code {1}.</source>
        <translation>已新增“{0}”，代码 {1}。</translation>
    </message>
    <message>
        <source>Renamed to {0}.</source>
        <translation>已改名为“{0}”。</translation>
    </message>
    <message>
        <source>Database</source>
        <translation>数据库</translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation>打开文件夹</translation>
    </message>
    <message>
        <source>Database file</source>
        <translation>数据库文件</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>Backups folder</source>
        <translation>备份文件夹</translation>
    </message>
    <message>
        <source>Backups</source>
        <translation>备份</translation>
    </message>
    <message>
        <source>The program backs the database up when it starts and every hour while it is open (at most once an hour) and keeps older automatic backups by day, week and month. Backups made by hand are never removed.</source>
        <translation>程序在启动时和打开期间每小时自动备份一次（每小时至多一次），较早的自动备份按日、周、月各保留一份；手动备份不会被自动删除。</translation>
    </message>
    <message>
        <source>Taken at</source>
        <translation>备份时间</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件名</translation>
    </message>
    <message>
        <source>No backup of this database yet: "Back up now" makes one.</source>
        <translation>本数据库还没有备份，可点击“立即备份”备份一次。</translation>
    </message>
    <message>
        <source>Back up now</source>
        <translation>立即备份</translation>
    </message>
    <message>
        <source>Restore the selected backup…</source>
        <translation>恢复所选备份…</translation>
    </message>
    <message>
        <source>Restore from a file…</source>
        <translation>从其他文件恢复…</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Only an administrator restores a backup.</source>
        <translation>只有管理员可以从备份恢复数据库。</translation>
    </message>
    <message>
        <source>Automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>By hand</source>
        <translation>手动</translation>
    </message>
    <message>
        <source>Before an upgrade</source>
        <translation>升级前</translation>
    </message>
    <message>
        <source>Before a restore</source>
        <translation>恢复前</translation>
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
        <source>Database server backups (*.dump);;All files (*)</source>
        <translation>数据库服务器备份 (*.dump);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Restore from a backup file</source>
        <translation>选择备份文件恢复</translation>
    </message>
    <message>
        <source>Database backups (*.sqlite);;All files (*)</source>
        <translation>数据库备份 (*.sqlite);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Checking the backup file</source>
        <translation>正在检查备份文件</translation>
    </message>
    <message>
        <source>Restore a backup</source>
        <translation>从备份恢复</translation>
    </message>
    <message>
        <source>Replace the database with {0}? Everything entered since that backup is replaced; the current database is backed up first, so nothing is lost. You will then log in again.</source>
        <translation>用 {0} 替换当前数据库？该备份之后录入的内容将被替换；当前数据库会先备份，不会丢失。恢复后需要重新登录。</translation>
    </message>
    <message>
        <source>The database was restored from {0}.</source>
        <translation>已用 {0} 恢复数据库。</translation>
    </message>
    <message>
        <source> The database as it was is kept in {0}.</source>
        <translation>恢复前的数据库已备份到 {0}。</translation>
    </message>
    <message>
        <source>Restored</source>
        <translation>已恢复</translation>
    </message>
    <message>
        <source> Please log in again.</source>
        <translation>请重新登录。</translation>
    </message>
    <message>
        <source>Restoring</source>
        <translation>正在恢复</translation>
    </message>
</context>
<context>
    <name>UnitNameDialog</name>
    <message>
        <source>New grassroots union</source>
        <translation>新增基层工会</translation>
    </message>
    <message>
        <source>Rename {0}</source>
        <translation>改名：{0}</translation>
    </message>
    <message>
        <source>The union gets the next code of this unit; files, scholarships and visits can then be filed under it.</source>
        <translation>新工会按本单位的顺序自动编号；之后档案、助学申请和走访即可登记在其名下。</translation>
    </message>
    <message>
        <source>Code {0}. Files filed under this union keep it; their printed forms show the new name.</source>
        <translation>代码 {0}。登记在该工会名下的档案不变，打印的表格将显示新名称。</translation>
    </message>
    <message>
        <source>Union name</source>
        <translation>工会名称</translation>
    </message>
</context>
</TS>
<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>FilterBar</name>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>All statuses</source>
        <translation>全部状态</translation>
    </message>
    <message>
        <source>Not exited</source>
        <translation>未撤档</translation>
    </message>
    <message>
        <source>In process</source>
        <translation>办理中</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>困难类别</translation>
    </message>
    <message>
        <source>All categories</source>
        <translation>全部类别</translation>
    </message>
    <message>
        <source>Primary cause</source>
        <translation>主要致困原因</translation>
    </message>
    <message>
        <source>All causes</source>
        <translation>全部致困原因</translation>
    </message>
    <message>
        <source>Unit that reported the file</source>
        <translation>上报单位：档案所属的单位</translation>
    </message>
    <message>
        <source>All reporting units</source>
        <translation>全部上报单位</translation>
    </message>
    <message>
        <source>Union holding the file</source>
        <translation>档案所属工会</translation>
    </message>
    <message>
        <source>All unions</source>
        <translation>全部工会</translation>
    </message>
    <message>
        <source>Year the file was opened</source>
        <translation>建档年度</translation>
    </message>
    <message>
        <source>All years</source>
        <translation>全部年度</translation>
    </message>
    <message>
        <source>Only:</source>
        <translation>只看：</translation>
    </message>
    <message>
        <source>Clear filters</source>
        <translation>清除筛选</translation>
    </message>
    <message>
        <source>This unit</source>
        <translation>本单位</translation>
    </message>
    <message>
        <source>Year {0}</source>
        <translation>{0}年建档</translation>
    </message>
    <message>
        <source>{0} ({1})</source>
        <translation>{0}（{1}）</translation>
    </message>
</context>
<context>
    <name>RegistryModel</name>
    <message>
        <source>File no.</source>
        <translation>档案编号</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>ID number</source>
        <translation>身份证号</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>困难类别</translation>
    </message>
    <message>
        <source>Primary cause</source>
        <translation>主要致困原因</translation>
    </message>
    <message>
        <source>Per-capita income (yuan/month)</source>
        <translation>月人均收入（元）</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Union</source>
        <translation>所属工会</translation>
    </message>
    <message>
        <source>Last review</source>
        <translation>最近复核</translation>
    </message>
</context>
<context>
    <name>RegistryPage</name>
    <message>
        <source>Hardship files</source>
        <translation>困难职工档案</translation>
    </message>
    <message>
        <source>Typing counts the first 10,000 matches; this counts every one</source>
        <translation>输入时只数到前 10,000 户为止；点此数出全部匹配的户数</translation>
    </message>
    <message>
        <source>Searching…</source>
        <translation>正在查找…</translation>
    </message>
    <message>
        <source>Find: name, pinyin initials, last 4 digits of the ID, phone, file no. (Ctrl+F)</source>
        <translation>查找：姓名、拼音首字母、身份证号后四位、手机号、档案编号（Ctrl+F）</translation>
    </message>
    <message>
        <source>Several words must all match, e.g. a name and the last digits of the ID. Enter or ↓ goes to the list.</source>
        <translation>输入几个词时须全部符合，例如“张 1234”：姓张、身份证号以 1234 结尾。按 Enter 或 ↓ 进入列表。</translation>
    </message>
    <message>
        <source>New file</source>
        <translation>新建档案</translation>
    </message>
    <message>
        <source>Only a clerk files new households.</source>
        <translation>只有经办人员可以新建档案。</translation>
    </message>
    <message>
        <source>File a new household (Ctrl+N)</source>
        <translation>为新的困难家庭建档（Ctrl+N）</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <source>Open the selected file (Enter or double click)</source>
        <translation>打开选中的档案（Enter 或双击）</translation>
    </message>
    <message>
        <source>Import ledger…</source>
        <translation>导入台账…</translation>
    </message>
    <message>
        <source>Households from an Excel or CSV ledger: checked first, written on confirm</source>
        <translation>从 Excel 或 CSV 台账导入困难职工档案：先检查，确认后才写入</translation>
    </message>
    <message>
        <source>Export roster…</source>
        <translation>导出花名册…</translation>
    </message>
    <message>
        <source>Enter or double click opens a file · ↓ from the search box into the list · click a column title to sort</source>
        <translation>双击或按 Enter 打开档案 · 在查找框中按 ↓ 进入列表 · 点击列标题排序</translation>
    </message>
    <message>
        <source>{0} files</source>
        <translation>共 {0} 户</translation>
    </message>
    <message>
        <source>{0}+ files</source>
        <translation>超过 {0} 户</translation>
    </message>
    <message>
        <source>&lt;a href='count'&gt;Count all&lt;/a&gt;</source>
        <translation>&lt;a href='count'&gt;计算总数&lt;/a&gt;</translation>
    </message>
    <message>
        <source>Counting…</source>
        <translation>正在计数…</translation>
    </message>
    <message>
        <source>No file matches. Fewer filters may find it: try “Clear filters”.</source>
        <translation>没有符合条件的档案。减少筛选条件也许能找到：试试“清除筛选”。</translation>
    </message>
    <message>
        <source>No file matches. Search by name, pinyin initials, the last digits of the ID number, a phone number or a file number.</source>
        <translation>没有找到匹配的档案。可以按姓名、拼音首字母、身份证号后几位、手机号或档案编号查找。</translation>
    </message>
    <message>
        <source>The registry holds no file yet. File the first household with “New file”.</source>
        <translation>档案库中还没有档案。请用“新建档案”为第一户建档。</translation>
    </message>
    <message>
        <source>The search failed. Try again; if it keeps failing, tell the administrator.</source>
        <translation>查找出错。请重试；如果一再出错，请告知系统管理员。</translation>
    </message>
    <message>
        <source>Not available yet</source>
        <translation>暂不可用</translation>
    </message>
    <message>
        <source>This version cannot show or edit a file yet.</source>
        <translation>此版本还不能查看或编辑档案。</translation>
    </message>
    <message>
        <source>All active files</source>
        <translation>全部在档档案</translation>
    </message>
    <message>
        <source>Active files opened in {0}</source>
        <translation>{0}年建档的在档档案</translation>
    </message>
</context>
</TS>
<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>ExportDialog</name>
    <message>
        <source>Export the roster</source>
        <translation>导出困难职工花名册</translation>
    </message>
    <message>
        <source>Export the scholarship list</source>
        <translation>导出金秋助学名单</translation>
    </message>
    <message>
        <source>Export the visit list</source>
        <translation>导出春节送温暖慰问名单</translation>
    </message>
    <message>
        <source>The households in the registry (active files), one row each, as the city asks for them.</source>
        <translation>在档的困难职工家庭，每户一行，按上级工会要求的格式。</translation>
    </message>
    <message>
        <source>The scholarships (cancelled ones left out), with the total.</source>
        <translation>金秋助学受助学生（不含已取消的），附金额合计。</translation>
    </message>
    <message>
        <source>The households visited (cancelled visits left out), with the totals of cash and goods.</source>
        <translation>走访慰问的家庭（不含已取消的），附慰问金和慰问品合计。</translation>
    </message>
    <message>
        <source>Which</source>
        <translation>导出范围</translation>
    </message>
    <message>
        <source>With the household members, each on a row below the worker</source>
        <translation>包含家庭成员（每人一行，列在职工下方）</translation>
    </message>
    <message>
        <source>Masked (6101**********1234): for lists that leave the office</source>
        <translation>脱敏（如 6101**********1234）：用于报送、公开的名单</translation>
    </message>
    <message>
        <source>Only a clerk, reviewer or approver may export full ID numbers.</source>
        <translation>只有经办、审核、审批人员可以导出完整身份证号。</translation>
    </message>
    <message>
        <source>Full, with phone, address and bank account: an encrypted workbook with a password (recorded in the log)</source>
        <translation>完整，含电话、住址和银行账号：加密的工作簿，凭密码打开（记入审计日志）</translation>
    </message>
    <message>
        <source>Full ID numbers: an encrypted workbook with a password (recorded in the log)</source>
        <translation>完整身份证号：加密的工作簿，凭密码打开（记入审计日志）</translation>
    </message>
    <message>
        <source>ID numbers</source>
        <translation>身份证号</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <source>Save as</source>
        <translation>保存到</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>roster</source>
        <translation>困难职工花名册</translation>
    </message>
    <message>
        <source>scholarship list</source>
        <translation>金秋助学名单</translation>
    </message>
    <message>
        <source>visit list</source>
        <translation>春节送温暖慰问名单</translation>
    </message>
    <message>
        <source>Excel workbook (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <source>Choose where to save the workbook.</source>
        <translation>请选择工作簿的保存位置。</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>正在导出…</translation>
    </message>
    <message>
        <source>{0} rows exported to {1}</source>
        <translation>已导出 {0} 行到 {1}</translation>
    </message>
    <message>
        <source> (full ID numbers; recorded in the log)</source>
        <translation>（完整身份证号，已记入日志）</translation>
    </message>
    <message>
        <source>The workbook is encrypted. Its password, shown only now, is below: Excel and WPS ask for it when opening. Tell it to the recipient by phone; do not put it on the same USB stick or in the same e-mail as the file.</source>
        <translation>工作簿已加密，打开密码见下（只显示这一次）：用 Excel 或 WPS 打开时会要求输入。请通过电话告诉接收人，不要与文件放在同一个U盘或同一封邮件里。</translation>
    </message>
</context>
<context>
    <name>ImportWizard</name>
    <message>
        <source>Import a ledger</source>
        <translation>导入台账</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>上一步</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Ledger file</source>
        <translation>台账文件</translation>
    </message>
    <message>
        <source>An Excel workbook (.xlsx, .xls) or a CSV file (UTF-8 or GBK)</source>
        <translation>Excel 工作簿（新版、旧版均可）或 CSV 文件</translation>
    </message>
    <message>
        <source>Choose file…</source>
        <translation>选择文件…</translation>
    </message>
    <message>
        <source>Kind of ledger</source>
        <translation>台账类型</translation>
    </message>
    <message>
        <source>Recognise from the header</source>
        <translation>根据表头自动识别</translation>
    </message>
    <message>
        <source>Sheet</source>
        <translation>工作表</translation>
    </message>
    <message>
        <source>Choose the ledger file. Nothing is written before you confirm the import.</source>
        <translation>请选择台账文件。确认导入之前不会写入任何数据。</translation>
    </message>
    <message>
        <source>Choose the ledger</source>
        <translation>选择台账文件</translation>
    </message>
    <message>
        <source>Ledgers (*.xlsx *.xls *.csv);;All files (*)</source>
        <translation>台账 (*.xlsx *.xls *.csv);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Reading {0}…</source>
        <translation>正在读取 {0}…</translation>
    </message>
    <message>
        <source>Reading row {0}…</source>
        <translation>正在读取第 {0} 行…</translation>
    </message>
    <message>
        <source>The file cannot be imported.</source>
        <translation>该文件无法导入。</translation>
    </message>
    <message>
        <source>The file could not be read ({0}).</source>
        <translation>无法读取该文件（{0}）。</translation>
    </message>
    <message>
        <source>Reading the ledger</source>
        <translation>正在读取台账</translation>
    </message>
    <message>
        <source>No header found.</source>
        <translation>没有找到表头。</translation>
    </message>
    <message>
        <source>{0} ledger, sheet “{1}”: the header is in row {2}; {3} of {4} columns recognised. The data starts in row {5}.</source>
        <translation>{0}台账，工作表“{1}”：表头在第 {2} 行，{4} 列中识别出 {3} 列，数据从第 {5} 行开始。</translation>
    </message>
    <message>
        <source>(Recognised from the header; choose another kind above if wrong.)</source>
        <translation>（根据表头自动识别；如有误请在上方改选台账类型。）</translation>
    </message>
    <message>
        <source>All sheets are imported in one run: {0}.</source>
        <translation>一次导入全部工作表：{0}。</translation>
    </message>
    <message>
        <source>No sheet holds a ledger header.</source>
        <translation>没有哪张工作表有台账表头。</translation>
    </message>
    <message>
        <source>Not read: {0}.</source>
        <translation>不读取：{0}。</translation>
    </message>
    <message>
        <source>Hidden columns in this sheet: {0} (shown grey below; a hidden column is not chosen over a visible one of the same name).</source>
        <translation>本表的隐藏列：{0}（下方以灰色显示；与可见列同名时不会选用隐藏列）。</translation>
    </message>
    <message>
        <source>Hidden rows in this sheet: {0} (checked and imported like the others).</source>
        <translation>本表的隐藏行：{0}（与其他行一样检查和导入）。</translation>
    </message>
    <message>
        <source> (hidden)</source>
        <translation>（隐藏）</translation>
    </message>
    <message>
        <source>What each column holds, guessed from its name: correct a box where the guess is wrong. Fields marked * are required.</source>
        <translation>下面按列名自动识别了每一列的内容，如有不对请在右侧改选。带 * 的为必需项。</translation>
    </message>
    <message>
        <source>Column</source>
        <translation>列</translation>
    </message>
    <message>
        <source>Name in the sheet</source>
        <translation>台账中的列名</translation>
    </message>
    <message>
        <source>First values</source>
        <translation>前几行的值</translation>
    </message>
    <message>
        <source>Import as</source>
        <translation>导入为</translation>
    </message>
    <message>
        <source>Use a saved mapping…</source>
        <translation>使用已保存的列对应…</translation>
    </message>
    <message>
        <source>Save this mapping…</source>
        <translation>保存列对应…</translation>
    </message>
    <message>
        <source>The columns by name and the words you mapped, for next time and for “ledger import --mapping” in a terminal</source>
        <translation>按列标题保存各列的对应和您指定的取值，供下次导入（包括在终端中导入）时复用</translation>
    </message>
    <message>
        <source>Import options</source>
        <translation>导入选项</translation>
    </message>
    <message>
        <source>The union of the households whose row names none</source>
        <translation>台账中未填写所属工会的家庭归入此工会</translation>
    </message>
    <message>
        <source>Union when the sheet names none</source>
        <translation>默认所属工会</translation>
    </message>
    <message>
        <source>Drafts (then submitted, reviewed, posted and approved as usual)</source>
        <translation>草稿（之后照常提交、审核、公示、审批）</translation>
    </message>
    <message>
        <source>Active files (approved in earlier years): one batch the approver approves on the approvals page</source>
        <translation>在档档案（往年已审批）：作为一个批次，由审批人在“审批”页整批审批</translation>
    </message>
    <message>
        <source>Files come in as</source>
        <translation>导入后档案状态</translation>
    </message>
    <message>
        <source>Recorded where the ledger's category differs from the formula's</source>
        <translation>台账中的困难类别与按公式测算的不一致时记录此理由</translation>
    </message>
    <message>
        <source>Reason for the categories</source>
        <translation>类别调整理由</translation>
    </message>
    <message>
        <source>From the sheet's year column</source>
        <translation>以台账“年度”列为准</translation>
    </message>
    <message>
        <source>Year</source>
        <translation>年度</translation>
    </message>
    <message>
        <source>Household without a file</source>
        <translation>未建档家庭的类型</translation>
    </message>
    <message>
        <source>(none: the sheet's union column)</source>
        <translation>（不指定：以台账“所属工会”列为准）</translation>
    </message>
    <message>
        <source>(not imported)</source>
        <translation>（不导入）</translation>
    </message>
    <message>
        <source>Still missing: {0}</source>
        <translation>还缺少必需的列：{0}</translation>
    </message>
    <message>
        <source> column mapping.json</source>
        <translation>列对应.json</translation>
    </message>
    <message>
        <source>Save the column mapping</source>
        <translation>保存列对应</translation>
    </message>
    <message>
        <source>Column mapping (*.json)</source>
        <translation>列对应文件 (*.json)</translation>
    </message>
    <message>
        <source>Column mapping saved to {0}</source>
        <translation>列对应已保存到 {0}</translation>
    </message>
    <message>
        <source>Use a saved column mapping</source>
        <translation>使用已保存的列对应</translation>
    </message>
    <message>
        <source>Column mapping taken from {0}</source>
        <translation>已按 {0} 设置列对应</translation>
    </message>
    <message>
        <source>Row</source>
        <translation>行号</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>级别</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>Person</source>
        <translation>人员</translation>
    </message>
    <message>
        <source>Also in</source>
        <translation>重复于</translation>
    </message>
    <message>
        <source>Where</source>
        <translation>所在行</translation>
    </message>
    <message>
        <source>Problems</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>Duplicates</source>
        <translation>重复记录</translation>
    </message>
    <message>
        <source>Words to map</source>
        <translation>值对应</translation>
    </message>
    <message>
        <source>Save report as Excel…</source>
        <translation>保存报告为Excel…</translation>
    </message>
    <message>
        <source>Nothing has been written yet. “Import” writes the checked records in one go; cancelling it leaves nothing behind.</source>
        <translation>目前尚未写入任何数据。点“导入”后一次性写入检查通过的记录；导入中途取消则什么也不写入。</translation>
    </message>
    <message>
        <source>Checking row {0} of {1}…</source>
        <translation>正在检查第 {0} 行，共 {1} 行…</translation>
    </message>
    <message>
        <source>The check was cancelled. Nothing was written.</source>
        <translation>已取消检查，没有写入任何数据。</translation>
    </message>
    <message>
        <source>Checking the ledger</source>
        <translation>正在检查台账</translation>
    </message>
    <message>
        <source>{0} errors · {1} warnings · {2} duplicates · {3} records ready to import</source>
        <translation>错误 {0} 处 · 提示 {1} 处 · 重复 {2} 处 · 可导入 {3} 条</translation>
    </message>
    <message>
        <source>whole sheet</source>
        <translation>整张表</translation>
    </message>
    <message>
        <source>already in the database</source>
        <translation>数据库中已有</translation>
    </message>
    <message>
        <source>twice in the sheet</source>
        <translation>表内重复</translation>
    </message>
    <message>
        <source>Problems ({0})</source>
        <translation>问题（{0}）</translation>
    </message>
    <message>
        <source>Duplicates ({0})</source>
        <translation>重复记录（{0}）</translation>
    </message>
    <message>
        <source>Words to map ({0})</source>
        <translation>值对应（{0}）</translation>
    </message>
    <message>
        <source>Import only the {0} valid records (leave out the {1} with errors)</source>
        <translation>只导入没有错误的 {0} 条（跳过有错误的 {1} 条）</translation>
    </message>
    <message>
        <source>{0} check report.xlsx</source>
        <translation>{0}检查报告.xlsx</translation>
    </message>
    <message>
        <source>Save the report</source>
        <translation>保存检查报告</translation>
    </message>
    <message>
        <source>Excel workbook (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <source>Report saved to {0}</source>
        <translation>报告已保存到 {0}</translation>
    </message>
    <message>
        <source>Saving the report</source>
        <translation>正在保存报告</translation>
    </message>
    <message>
        <source>Import finished</source>
        <translation>导入完成</translation>
    </message>
    <message>
        <source>Writing {0} of {1} rows…</source>
        <translation>正在写入第 {0} 行，共 {1} 行…</translation>
    </message>
    <message>
        <source>The import was cancelled. Nothing was written.</source>
        <translation>已取消导入，没有写入任何数据。</translation>
    </message>
    <message>
        <source>Importing the ledger</source>
        <translation>正在导入台账</translation>
    </message>
    <message>
        <source>Imported {0} households from “{1}”.</source>
        <translation>已从“{1}”导入 {0} 户档案。</translation>
    </message>
    <message>
        <source>Imported {0} scholarships from “{1}”.</source>
        <translation>已从“{1}”导入 {0} 条金秋助学记录。</translation>
    </message>
    <message>
        <source>Imported {0} visits from “{1}”.</source>
        <translation>已从“{1}”导入 {0} 户走访慰问记录。</translation>
    </message>
    <message>
        <source> {0} records with errors were left out.</source>
        <translation>有错误的 {0} 条未导入。</translation>
    </message>
    <message>
        <source>files</source>
        <translation>档案</translation>
    </message>
    <message>
        <source>members</source>
        <translation>家庭成员</translation>
    </message>
    <message>
        <source>scholarships</source>
        <translation>助学申请</translation>
    </message>
    <message>
        <source>scholarship rounds</source>
        <translation>金秋助学年度</translation>
    </message>
    <message>
        <source>visits</source>
        <translation>走访记录</translation>
    </message>
    <message>
        <source>campaigns</source>
        <translation>春节送温暖活动</translation>
    </message>
    <message>
        <source>fund sources</source>
        <translation>资金来源</translation>
    </message>
    <message>
        <source>standards</source>
        <translation>慰问标准</translation>
    </message>
    <message>
        <source>vouchers</source>
        <translation>发放凭证</translation>
    </message>
    <message>
        <source>households without a file</source>
        <translation>未建档家庭</translation>
    </message>
    <message>
        <source>{0}: {1}</source>
        <translation>{0}：{1}</translation>
    </message>
    <message>
        <source>Rows written: {0}</source>
        <translation>写入：{0}</translation>
    </message>
    <message>
        <source>The files wait as one batch for the approver, who approves it on the approvals page; then they are active.</source>
        <translation>这批档案作为一个导入批次等待审批人在“审批”页整批审批，审批后转为在档。</translation>
    </message>
    <message>
        <source>The files are drafts: submit them for review from the registry or the approvals page.</source>
        <translation>导入的档案为草稿：请在档案列表或审批页面提交审核。</translation>
    </message>
    <message>
        <source>1 The file</source>
        <translation>① 选择文件</translation>
    </message>
    <message>
        <source>2 The columns</source>
        <translation>② 列对应</translation>
    </message>
    <message>
        <source>3 The check</source>
        <translation>③ 检查报告</translation>
    </message>
    <message>
        <source>4 Done</source>
        <translation>④ 完成</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>下一步</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>检查</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
</context>
<context>
    <name>ValuesTab</name>
    <message>
        <source>Words the program cannot read, each once with the rows that use it, and the unions it matched by name. Choose what each means: the choice holds for the whole workbook and is saved with the column mapping.</source>
        <translation>下面列出台账中无法识别的写法（每种只列一次，并注明使用它的行），以及按名称近似匹配的工会。请指定每种写法对应什么：对整个工作簿有效，并随列对应一起保存。</translation>
    </message>
    <message>
        <source>Column</source>
        <translation>列</translation>
    </message>
    <message>
        <source>Written in the ledger</source>
        <translation>台账中的写法</translation>
    </message>
    <message>
        <source>Rows</source>
        <translation>行数</translation>
    </message>
    <message>
        <source>Read as</source>
        <translation>对应为</translation>
    </message>
    <message>
        <source>Where</source>
        <translation>所在行</translation>
    </message>
    <message>
        <source>Check again with these words</source>
        <translation>按这些对应重新检查</translation>
    </message>
    <message>
        <source>(cannot tell: leave the rows out)</source>
        <translation>（无法确定：这些行不导入）</translation>
    </message>
    <message>
        <source>As matched: {0}</source>
        <translation>按匹配：{0}</translation>
    </message>
</context>
</TS>
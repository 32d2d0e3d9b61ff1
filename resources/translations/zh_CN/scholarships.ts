<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>ApplicationEditor</name>
    <message>
        <source>Scholarship application</source>
        <translation>助学申请</translation>
    </message>
    <message>
        <source>Application</source>
        <translation>申请</translation>
    </message>
    <message>
        <source>Materials</source>
        <translation>附件材料</translation>
    </message>
    <message>
        <source>Household</source>
        <translation>家庭</translation>
    </message>
    <message>
        <source>Active hardship file</source>
        <translation>在档困难职工档案</translation>
    </message>
    <message>
        <source>Household without a file</source>
        <translation>未建档户</translation>
    </message>
    <message>
        <source>File no. or name of the worker</source>
        <translation>档案编号或职工姓名</translation>
    </message>
    <message>
        <source>Find</source>
        <translation>查找</translation>
    </message>
    <message>
        <source>File</source>
        <translation>档案</translation>
    </message>
    <message>
        <source>Parent's name</source>
        <translation>家长姓名</translation>
    </message>
    <message>
        <source>Parent's ID number</source>
        <translation>家长身份证号</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Student</source>
        <translation>学生</translation>
    </message>
    <message>
        <source>From the household</source>
        <translation>从家庭成员中选择</translation>
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
        <source>Born</source>
        <translation>出生日期</translation>
    </message>
    <message>
        <source>Sex</source>
        <translation>性别</translation>
    </message>
    <message>
        <source>Age on 1 September</source>
        <translation>9月1日周岁</translation>
    </message>
    <message>
        <source>(choose)</source>
        <translation>（请选择）</translation>
    </message>
    <message>
        <source>School</source>
        <translation>学校</translation>
    </message>
    <message>
        <source>Major</source>
        <translation>专业</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>学段</translation>
    </message>
    <message>
        <source>Admission year</source>
        <translation>入学年份</translation>
    </message>
    <message>
        <source>Years of study</source>
        <translation>学制（年）</translation>
    </message>
    <message>
        <source>Admission notice no.</source>
        <translation>录取通知书编号</translation>
    </message>
    <message>
        <source>Not eligible if any applies</source>
        <translation>资助排除条件（符合任一项不予资助）</translation>
    </message>
    <message>
        <source>Funded through another channel</source>
        <translation>已获其他渠道资助</translation>
    </message>
    <message>
        <source>Self-funded study abroad</source>
        <translation>自费出国留学</translation>
    </message>
    <message>
        <source>High-fee private or Sino-foreign programme</source>
        <translation>高收费民办或中外合作办学</translation>
    </message>
    <message>
        <source>Military school or tuition-free programme</source>
        <translation>军事院校或免学费项目（免费师范生、定向培养等）</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>资助金额</translation>
    </message>
    <message>
        <source>Amount (yuan)</source>
        <translation>金额（元）</translation>
    </message>
    <message>
        <source>Reason for another amount</source>
        <translation>金额调整理由</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>male</source>
        <translation>男</translation>
    </message>
    <message>
        <source>female</source>
        <translation>女</translation>
    </message>
    <message>
        <source>New application – {0}</source>
        <translation>新建助学申请 – {0}</translation>
    </message>
    <message>
        <source>Application {0}</source>
        <translation>助学申请 {0}</translation>
    </message>
    <message>
        <source>This application belongs to {0}; here it can only be viewed (that unit changes it and reports it again).</source>
        <translation>此申请属于{0}，在本单位只能查看（须由该单位修改后报送）。</translation>
    </message>
    <message>
        <source>Status: {0}. Only a draft can be changed.</source>
        <translation>当前状态：{0}。只有草稿可以修改。</translation>
    </message>
    <message>
        <source>A new household: it will be recorded with this application.</source>
        <translation>新的未建档户：保存申请时一并登记。</translation>
    </message>
    <message>
        <source>Already recorded: {0} ({1}); this application joins that household.</source>
        <translation>已登记的未建档户：{0}（{1}），本申请将归入该户。</translation>
    </message>
    <message>
        <source>No active file matches</source>
        <translation>没有符合条件的在档档案</translation>
    </message>
    <message>
        <source>(choose a member, or type below)</source>
        <translation>（选择一名家庭成员，或在下方填写）</translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation>尚未保存</translation>
    </message>
    <message>
        <source>This application has changes that are not saved. Save them before closing?</source>
        <translation>这份申请有未保存的修改，关闭前要保存吗？</translation>
    </message>
    <message>
        <source>Don't save</source>
        <translation>不保存</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Choose the level to see the standard.</source>
        <translation>选择学段后显示资助标准。</translation>
    </message>
    <message>
        <source>No standard set for this level.</source>
        <translation>该学段尚未设定资助标准。</translation>
    </message>
    <message>
        <source>Standard {0} yuan, {1}</source>
        <translation>标准 {0} 元，{1}</translation>
    </message>
    <message>
        <source>Payment plan: {0}</source>
        <translation>发放计划：{0}</translation>
    </message>
</context>
<context>
    <name>ApplicationsModel</name>
    <message>
        <source>Application no.</source>
        <translation>申请编号</translation>
    </message>
    <message>
        <source>Student</source>
        <translation>学生</translation>
    </message>
    <message>
        <source>Household</source>
        <translation>家庭</translation>
    </message>
    <message>
        <source>School</source>
        <translation>学校</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>学段</translation>
    </message>
    <message>
        <source>Payment</source>
        <translation>发放方式</translation>
    </message>
    <message>
        <source>Amount (yuan)</source>
        <translation>金额（元）</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Standard: {0} yuan</source>
        <translation>标准：{0} 元</translation>
    </message>
    <message>
        <source>{0} (unfiled)</source>
        <translation>{0}（未建档）</translation>
    </message>
    <message>
        <source>{0} ({1}/{2} paid)</source>
        <translation>{0}（已发 {1}/{2} 年）</translation>
    </message>
</context>
<context>
    <name>PayDialog</name>
    <message>
        <source>Pay</source>
        <translation>发放</translation>
    </message>
    <message>
        <source>Paying</source>
        <translation>正在发放</translation>
    </message>
    <message>
        <source>Amount (yuan)</source>
        <translation>金额（元）</translation>
    </message>
    <message>
        <source>Cash</source>
        <translation>现金</translation>
    </message>
    <message>
        <source>Bank transfer</source>
        <translation>转账</translation>
    </message>
    <message>
        <source>Transfer only; empty: the account in the file</source>
        <translation>仅转账填写；留空则用档案中的账号</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>发放方式</translation>
    </message>
    <message>
        <source>Paid on</source>
        <translation>发放日期</translation>
    </message>
    <message>
        <source>Bank account</source>
        <translation>收款账号</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>RoundDialog</name>
    <message>
        <source>Scholarship round</source>
        <translation>金秋助学活动</translation>
    </message>
    <message>
        <source>Edit scholarship round</source>
        <translation>修改金秋助学活动</translation>
    </message>
    <message>
        <source>Default: &lt;year&gt; Golden Autumn scholarship</source>
        <translation>默认为“某年金秋助学”</translation>
    </message>
    <message>
        <source>Post the list publicly before approval</source>
        <translation>审批前公示名单</translation>
    </message>
    <message>
        <source>Year</source>
        <translation>年度</translation>
    </message>
    <message>
        <source>Round name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>{0} has no Golden Autumn standards yet: no application of this round can be given an amount.</source>
        <translation>{0}年还没有金秋助学救助标准：本轮的申请都无法确定金额。</translation>
    </message>
    <message>
        <source>Ask the administrator to copy the {0} standards in Standards, or to enter them.</source>
        <translation>请管理员在“救助标准”中复制{0}年的标准，或逐项录入。</translation>
    </message>
    <message>
        <source>Ask the administrator to enter them in Standards.</source>
        <translation>请管理员在“救助标准”中录入。</translation>
    </message>
    <message>
        <source>No standards for the year</source>
        <translation>本年度没有救助标准</translation>
    </message>
    <message>
        <source>Enter them in Standards.</source>
        <translation>请在“救助标准”中录入。</translation>
    </message>
    <message>
        <source>Copy the {0} standards to {1}? They can be changed afterwards in Standards.</source>
        <translation>将{0}年的标准复制为{1}年的标准？复制后仍可在“救助标准”中修改。</translation>
    </message>
    <message>
        <source>Applications from</source>
        <translation>申请开始日期</translation>
    </message>
    <message>
        <source>Applications until</source>
        <translation>申请截止日期</translation>
    </message>
    <message>
        <source>Budget (yuan)</source>
        <translation>预算（元）</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>ScholarshipsPage</name>
    <message>
        <source>Golden Autumn scholarships</source>
        <translation>金秋助学</translation>
    </message>
    <message>
        <source>Round</source>
        <translation>年度活动</translation>
    </message>
    <message>
        <source>New round…</source>
        <translation>新设活动…</translation>
    </message>
    <message>
        <source>Edit round…</source>
        <translation>修改活动…</translation>
    </message>
    <message>
        <source>Close round</source>
        <translation>结束活动</translation>
    </message>
    <message>
        <source>Standards…</source>
        <translation>救助标准…</translation>
    </message>
    <message>
        <source>Amounts by level and household, and how each level is paid</source>
        <translation>各学段建档、未建档户的资助金额及发放方式</translation>
    </message>
    <message>
        <source>Export list…</source>
        <translation>导出名单…</translation>
    </message>
    <message>
        <source>The scholarships as an Excel workbook</source>
        <translation>把助学名单导出为 Excel 工作簿</translation>
    </message>
    <message>
        <source>Applications</source>
        <translation>助学申请</translation>
    </message>
    <message>
        <source>Installments due</source>
        <translation>分年发放</translation>
    </message>
    <message>
        <source>Student name, initials, ID tail, application no. or school</source>
        <translation>学生姓名、拼音首字母、身份证号尾号、申请编号或学校</translation>
    </message>
    <message>
        <source>All statuses</source>
        <translation>全部状态</translation>
    </message>
    <message>
        <source>All levels</source>
        <translation>全部学段</translation>
    </message>
    <message>
        <source>School</source>
        <translation>学校</translation>
    </message>
    <message>
        <source>All unions</source>
        <translation>全部基层工会</translation>
    </message>
    <message>
        <source>Opinion</source>
        <translation>意见</translation>
    </message>
    <message>
        <source>Written into the approval record (required to send back or cancel)</source>
        <translation>写入审批记录（退回或取消时必填）</translation>
    </message>
    <message>
        <source>New application…</source>
        <translation>新建申请…</translation>
    </message>
    <message>
        <source>Open…</source>
        <translation>打开…</translation>
    </message>
    <message>
        <source>Pay one-off…</source>
        <translation>一次性发放…</translation>
    </message>
    <message>
        <source>Due up to the year</source>
        <translation>截至年度</translation>
    </message>
    <message>
        <source>Application no.</source>
        <translation>申请编号</translation>
    </message>
    <message>
        <source>Student</source>
        <translation>学生</translation>
    </message>
    <message>
        <source>Study year</source>
        <translation>学年</translation>
    </message>
    <message>
        <source>Calendar year</source>
        <translation>发放年度</translation>
    </message>
    <message>
        <source>Amount (yuan)</source>
        <translation>金额（元）</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Reporting unit</source>
        <translation>上报单位</translation>
    </message>
    <message>
        <source>Still at school</source>
        <translation>仍在读</translation>
    </message>
    <message>
        <source>Left school…</source>
        <translation>已不在读…</translation>
    </message>
    <message>
        <source>Pay…</source>
        <translation>发放…</translation>
    </message>
    <message>
        <source> (closed)</source>
        <translation>（已结束）</translation>
    </message>
    <message>
        <source>{0} ({1}, closed)</source>
        <translation>{0}（{1}，已结束）</translation>
    </message>
    <message>
        <source>{0} ({1})</source>
        <translation>{0}（{1}）</translation>
    </message>
    <message>
        <source>No round yet</source>
        <translation>尚未设立活动</translation>
    </message>
    <message>
        <source>closed</source>
        <translation>已结束</translation>
    </message>
    <message>
        <source>open</source>
        <translation>进行中</translation>
    </message>
    <message>
        <source>Applications {0} – {1}, {2}{3}</source>
        <translation>申请期限 {0} 至 {1}，{2}{3}</translation>
    </message>
    <message>
        <source>, list posted before approval</source>
        <translation>，审批前公示</translation>
    </message>
    <message>
        <source>Reopen round</source>
        <translation>重开活动</translation>
    </message>
    <message>
        <source>This round belongs to {0}: here it can only be viewed (the budget, the applications and their export); that unit makes every change and step.</source>
        <translation>此轮次属于{0}，在本单位只能查看（预算、申请名单和导出名单），修改和办理须由该单位进行后报送。</translation>
    </message>
    <message>
        <source>{0} applications</source>
        <translation>共 {0} 份申请</translation>
    </message>
    <message>
        <source>Budget &lt;b&gt;{0}&lt;/b&gt; · planned {1} · approved {2} · paid {3} · earlier plans {4} · remaining &lt;b&gt;{5}&lt;/b&gt; yuan</source>
        <translation>预算 &lt;b&gt;{0}&lt;/b&gt; · 计划 {1} · 已审批 {2} · 已发放 {3} · 往年续发 {4} · 结余 &lt;b&gt;{5}&lt;/b&gt; 元</translation>
    </message>
    <message>
        <source> — &lt;span style='color:#c62828'&gt;{0} yuan over if all were approved&lt;/span&gt;</source>
        <translation> — &lt;span style='color:#c62828'&gt;如全部审批将超出预算 {0} 元&lt;/span&gt;</translation>
    </message>
    <message>
        <source>this unit</source>
        <translation>本单位</translation>
    </message>
    <message>
        <source>{0} installments to check or pay</source>
        <translation>{0} 笔待核查或待发放</translation>
    </message>
    <message>
        <source>All rounds</source>
        <translation>全部年度</translation>
    </message>
    <message>
        <source>Reason:</source>
        <translation>理由：</translation>
    </message>
    <message>
        <source>Approve the chosen applications: {0}?</source>
        <translation>审批所选助学申请：{0}？</translation>
    </message>
    <message>
        <source>{0}: {1} applications done.</source>
        <translation>{0}：已完成 {1} 份申请。</translation>
    </message>
    <message>
        <source>{0}: {1} applications</source>
        <translation>{0}：{1} 份申请</translation>
    </message>
    <message>
        <source>Paid {0} yuan to {1}: voucher no. {2}</source>
        <translation>已向{1}发放 {0} 元，凭证号 {2}</translation>
    </message>
    <message>
        <source>Paying</source>
        <translation>正在发放</translation>
    </message>
    <message>
        <source>This installment belongs to {0}: view only here.</source>
        <translation>此笔分年发放属于{0}，在本单位只能查看。</translation>
    </message>
    <message>
        <source>{0}, study year {1}</source>
        <translation>{0} 第{1}学年</translation>
    </message>
    <message>
        <source>Left school</source>
        <translation>已不在读</translation>
    </message>
    <message>
        <source>Why (left, suspended, moved):</source>
        <translation>原因（退学、休学、转学）：</translation>
    </message>
</context>
</TS>
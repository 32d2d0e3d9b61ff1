<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>ApprovalsPage</name>
    <message>
        <source>Waiting for you</source>
        <translation>待我处理</translation>
    </message>
    <message>
        <source>File no.</source>
        <translation>档案编号</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>困难类别</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Since</source>
        <translation>上一步时间</translation>
    </message>
    <message>
        <source>You can</source>
        <translation>可执行</translation>
    </message>
    <message>
        <source>Opinion</source>
        <translation>意见</translation>
    </message>
    <message>
        <source>Hardship files</source>
        <translation>困难职工档案</translation>
    </message>
    <message>
        <source>Scholarships</source>
        <translation>金秋助学</translation>
    </message>
    <message>
        <source>Spring Festival visits</source>
        <translation>春节走访慰问</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>事项</translation>
    </message>
    <message>
        <source>Why it was not done</source>
        <translation>未办理的原因</translation>
    </message>
    <message>
        <source>Written into the approval record (required to send back)</source>
        <translation>写入审批记录（退回时必填）</translation>
    </message>
    <message>
        <source>Open…</source>
        <translation>打开…</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Grassroots union</source>
        <translation>所属工会</translation>
    </message>
    <message>
        <source>Application no.</source>
        <translation>申请编号</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <source>Campaign</source>
        <translation>慰问活动</translation>
    </message>
    <message>
        <source>Cash and goods</source>
        <translation>慰问金及慰问品</translation>
    </message>
    <message>
        <source>Union or employer</source>
        <translation>工会或单位</translation>
    </message>
    <message>
        <source>ID tail</source>
        <translation>身份证后4位</translation>
    </message>
    <message>
        <source>{0}, may be approved from {1}</source>
        <translation>{0}，{1}起可审批</translation>
    </message>
    <message>
        <source>{0}, notice period over</source>
        <translation>{0}，公示期已满</translation>
    </message>
    <message>
        <source>{0} items wait for your step.</source>
        <translation>共 {0} 项等待您处理。</translation>
    </message>
    <message>
        <source>Nothing waits for you.</source>
        <translation>暂无需要您处理的事项。</translation>
    </message>
    <message>
        <source>Send back</source>
        <translation>退回</translation>
    </message>
    <message>
        <source>Reason for sending back:</source>
        <translation>退回理由：</translation>
    </message>
    <message>
        <source>Approve the chosen {0}: {1}?</source>
        <translation>审批所选{0}：{1}？</translation>
    </message>
    <message>
        <source>{0}: {1} items</source>
        <translation>{0}：共 {1} 项</translation>
    </message>
    <message>
        <source> Not done, and why:</source>
        <translation>未办理的事项及原因如下：</translation>
    </message>
</context>
<context>
    <name>ImportBatchesPanel</name>
    <message>
        <source>Ledger imports waiting for approval</source>
        <translation>待审批的台账导入批次</translation>
    </message>
    <message>
        <source>Historic files a clerk imported to be active. Approving a batch makes all its files active at once, opened on the ledger's filing dates; sending it back leaves them drafts to be submitted one by one.</source>
        <translation>经办人从台账导入、拟作为在档档案的历史档案。整批审批后，该批档案全部转为在档，建档日期取台账的建档时间；退回后这些档案仍为草稿，须逐户提交审批。</translation>
    </message>
    <message>
        <source>Ledger file</source>
        <translation>台账文件</translation>
    </message>
    <message>
        <source>Sheets</source>
        <translation>工作表</translation>
    </message>
    <message>
        <source>Households</source>
        <translation>户数</translation>
    </message>
    <message>
        <source>Members</source>
        <translation>家庭成员</translation>
    </message>
    <message>
        <source>Members to complete</source>
        <translation>成员待补录户数</translation>
    </message>
    <message>
        <source>Imported by</source>
        <translation>导入人</translation>
    </message>
    <message>
        <source>Imported at</source>
        <translation>导入时间</translation>
    </message>
    <message>
        <source>Opinion</source>
        <translation>意见</translation>
    </message>
    <message>
        <source>Written into each file's approval record (required to send back)</source>
        <translation>写入每户档案的审批记录（退回时必填）</translation>
    </message>
    <message>
        <source>Approve the whole batch</source>
        <translation>整批审批</translation>
    </message>
    <message>
        <source>Send back</source>
        <translation>退回</translation>
    </message>
    <message>
        <source>Ledger imports waiting for approval ({0})</source>
        <translation>待审批的台账导入批次（{0}）</translation>
    </message>
    <message>
        <source>You imported this batch: another approver must decide on it.</source>
        <translation>这批档案是您本人导入的，须由其他审批人审批。</translation>
    </message>
    <message>
        <source>Done: {0} files.</source>
        <translation>已处理{0}户档案。</translation>
    </message>
    <message>
        <source>Approving the batch: {0} households</source>
        <translation>整批审批：{0}户</translation>
    </message>
    <message>
        <source>Reason for sending the batch back:</source>
        <translation>退回这批台账导入的理由：</translation>
    </message>
    <message>
        <source>Sending the batch back</source>
        <translation>正在退回台账导入批次</translation>
    </message>
</context>
</TS>
<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>RecordsDialog</name>
    <message>
        <source>Records behind the figure</source>
        <translation>统计数字对应的明细</translation>
    </message>
    <message>
        <source>Finding the records…</source>
        <translation>正在查找明细记录…</translation>
    </message>
    <message>
        <source>ID numbers are masked. Double click a household to open its file.</source>
        <translation>身份证号已脱敏。双击某一户可打开其档案。</translation>
    </message>
    <message>
        <source>Open file</source>
        <translation>打开档案</translation>
    </message>
    <message>
        <source>The records could not be read.</source>
        <translation>无法读取明细记录。</translation>
    </message>
    <message>
        <source>{0} records, adding up to {1} yuan</source>
        <translation>共 {0} 条，合计 {1} 元</translation>
    </message>
    <message>
        <source>{0} households, {1} people</source>
        <translation>{0} 户，共 {1} 人</translation>
    </message>
    <message>
        <source>{0} records</source>
        <translation>共 {0} 条</translation>
    </message>
</context>
<context>
    <name>RecordsModel</name>
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
        <source>Household</source>
        <translation>家庭人口</translation>
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
        <source>Opened</source>
        <translation>建档日期</translation>
    </message>
    <message>
        <source>Exited</source>
        <translation>撤档日期</translation>
    </message>
    <message>
        <source>Application no.</source>
        <translation>申请编号</translation>
    </message>
    <message>
        <source>Year</source>
        <translation>年度</translation>
    </message>
    <message>
        <source>School</source>
        <translation>学校</translation>
    </message>
    <message>
        <source>Household kind</source>
        <translation>家庭类型</translation>
    </message>
    <message>
        <source>Amount (yuan)</source>
        <translation>金额（元）</translation>
    </message>
    <message>
        <source>Education level</source>
        <translation>学段</translation>
    </message>
    <message>
        <source>Group</source>
        <translation>慰问类别</translation>
    </message>
    <message>
        <source>Cash (yuan)</source>
        <translation>慰问金（元）</translation>
    </message>
    <message>
        <source>Goods (yuan)</source>
        <translation>慰问品折价（元）</translation>
    </message>
    <message>
        <source>Visited</source>
        <translation>走访日期</translation>
    </message>
    <message>
        <source>Voucher no.</source>
        <translation>凭证号</translation>
    </message>
    <message>
        <source>Programme</source>
        <translation>项目</translation>
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
        <source>Student</source>
        <translation>学生姓名</translation>
    </message>
    <message>
        <source>Recipient</source>
        <translation>领取人</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>工作单位</translation>
    </message>
</context>
<context>
    <name>StatisticsPage</name>
    <message>
        <source>Statistics</source>
        <translation>统计</translation>
    </message>
    <message>
        <source>Year</source>
        <translation>年度</translation>
    </message>
    <message>
        <source>All years</source>
        <translation>全部年度</translation>
    </message>
    <message>
        <source>Programme</source>
        <translation>项目</translation>
    </message>
    <message>
        <source>By</source>
        <translation>分组</translation>
    </message>
    <message>
        <source>Chart</source>
        <translation>图表指标</translation>
    </message>
    <message>
        <source>The figure the charts draw</source>
        <translation>图表显示的统计指标</translation>
    </message>
    <message>
        <source>Counting…</source>
        <translation>正在统计…</translation>
    </message>
    <message>
        <source>Annual report to Excel…</source>
        <translation>年度报表导出 Excel…</translation>
    </message>
    <message>
        <source>Annual report to PDF…</source>
        <translation>年度报表导出 PDF…</translation>
    </message>
    <message>
        <source>Click a figure, a bar, a point or a slice to see the records behind it.</source>
        <translation>点击表中的数字、柱条、折线上的点或饼图扇区，可查看对应的明细记录。</translation>
    </message>
    <message>
        <source>By group</source>
        <translation>分组对比</translation>
    </message>
    <message>
        <source>Over the years</source>
        <translation>历年趋势</translation>
    </message>
    <message>
        <source>Causes</source>
        <translation>致困原因</translation>
    </message>
    <message>
        <source>Year {0}</source>
        <translation>{0}年</translation>
    </message>
    <message>
        <source>The figures could not be read. Try again.</source>
        <translation>无法读取统计数据，请重试。</translation>
    </message>
    <message>
        <source>in the registry at the end of {0}</source>
        <translation>{0}年末在档</translation>
    </message>
    <message>
        <source>in the registry</source>
        <translation>当前在档</translation>
    </message>
    <message>
        <source>{0} households</source>
        <translation>{0} 户</translation>
    </message>
    <message>
        <source>approved and paid</source>
        <translation>已审批和已发放</translation>
    </message>
    <message>
        <source>{0} students</source>
        <translation>{0} 人</translation>
    </message>
    <message>
        <source>vouchers paid</source>
        <translation>已发放凭证</translation>
    </message>
    <message>
        <source>{0} payments</source>
        <translation>{0} 笔</translation>
    </message>
    <message>
        <source>{0} yuan</source>
        <translation>{0} 元</translation>
    </message>
    <message>
        <source> (yuan)</source>
        <translation>（元）</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>合计</translation>
    </message>
    <message>
        <source>Nothing to count for this choice.</source>
        <translation>所选条件下没有可统计的数据。</translation>
    </message>
    <message>
        <source>Click to see the records</source>
        <translation>点击查看明细记录</translation>
    </message>
    <message>
        <source>nothing to count</source>
        <translation>暂无数据</translation>
    </message>
    <message>
        <source>{0} by {1}</source>
        <translation>{0}（按{1}）</translation>
    </message>
    <message>
        <source>{0}, year by year</source>
        <translation>{0}历年变化</translation>
    </message>
    <message>
        <source>{0} by primary cause ({1})</source>
        <translation>{1}：{0}按主要致困原因</translation>
    </message>
    <message>
        <source>all years</source>
        <translation>全部年度</translation>
    </message>
    <message>
        <source>Annual statistics {0}.{1}</source>
        <translation>{0}年度帮扶工作统计表.{1}</translation>
    </message>
    <message>
        <source>Excel workbook (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <source>PDF document (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
        <source>Save the annual report</source>
        <translation>保存年度报表</translation>
    </message>
    <message>
        <source>The annual report of {0} was saved to {1}</source>
        <translation>{0}年度统计表已保存到 {1}</translation>
    </message>
    <message>
        <source>Exporting the annual report</source>
        <translation>正在导出年度报表</translation>
    </message>
</context>
</TS>
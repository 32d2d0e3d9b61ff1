<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>ApplicationAttachments</name>
    <message>
        <source>Save the application first, then add its materials.</source>
        <translation>请先保存申请，再添加附件材料。</translation>
    </message>
    <message>
        <source>Remove “{0}” ({1}) from this application?</source>
        <translation>从本申请中删除“{0}”（{1}）？</translation>
    </message>
</context>
<context>
    <name>AttachmentsTab</name>
    <message>
        <source>Kind of material</source>
        <translation>材料类型</translation>
    </message>
    <message>
        <source>Add files…</source>
        <translation>添加文件…</translation>
    </message>
    <message>
        <source>Each file at most 20 megabytes; identical content is kept once. Files are stored in the database with their SHA-256 checksum.</source>
        <translation>单个文件不超过 20 兆；内容相同的文件只保存一份。附件保存在数据库中，并记录 SHA-256 校验值。</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>材料类型</translation>
    </message>
    <message>
        <source>File name</source>
        <translation>文件名</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>Added</source>
        <translation>添加时间</translation>
    </message>
    <message>
        <source>SHA-256</source>
        <translation>SHA-256 校验值</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <source>Save a copy…</source>
        <translation>另存为…</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Save the file first, then add its materials.</source>
        <translation>请先保存档案，再添加附件材料。</translation>
    </message>
    <message>
        <source>Choose scanned files to keep with this record</source>
        <translation>选择要保存在本记录中的扫描件</translation>
    </message>
    <message>
        <source>{0} materials</source>
        <translation>共 {0} 份材料</translation>
    </message>
    <message>
        <source>Basic materials not yet added: {0}</source>
        <translation>基本材料尚缺：{0}</translation>
    </message>
    <message>
        <source>All basic materials are here; add those the causes call for.</source>
        <translation>基本材料已齐全；请按致困原因补充相应证明材料。</translation>
    </message>
    <message>
        <source>Add materials</source>
        <translation>添加附件材料</translation>
    </message>
    <message>
        <source>Scans and documents (*.pdf *.jpg *.jpeg *.png *.tif *.tiff *.doc *.docx *.xls *.xlsx *.ofd);;All files (*)</source>
        <translation>扫描件和文档 (*.pdf *.jpg *.jpeg *.png *.tif *.tiff *.doc *.docx *.xls *.xlsx *.ofd);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Adding materials…</source>
        <translation>正在添加附件…</translation>
    </message>
    <message>
        <source>Reading the material…</source>
        <translation>正在读取附件…</translation>
    </message>
    <message>
        <source>Save a copy of the material</source>
        <translation>附件另存为</translation>
    </message>
    <message>
        <source>Remove material</source>
        <translation>删除附件</translation>
    </message>
    <message>
        <source>Remove “{0}” ({1}) from this file?</source>
        <translation>确定从本档案删除附件“{0}”（{1}）吗？</translation>
    </message>
    <message>
        <source>Keep</source>
        <translation>保留</translation>
    </message>
    <message>
        <source>Removing the material…</source>
        <translation>正在删除附件…</translation>
    </message>
</context>
<context>
    <name>FileEditor</name>
    <message>
        <source>(not filled)</source>
        <translation>（未填）</translation>
    </message>
    <message>
        <source>Worker (&amp;1)</source>
        <translation>职工信息(&amp;1)</translation>
    </message>
    <message>
        <source>Members (&amp;2)</source>
        <translation>家庭成员(&amp;2)</translation>
    </message>
    <message>
        <source>Income and category (&amp;3)</source>
        <translation>收入与类别(&amp;3)</translation>
    </message>
    <message>
        <source>Bank account (&amp;4)</source>
        <translation>银行账户(&amp;4)</translation>
    </message>
    <message>
        <source>Attachments (&amp;5)</source>
        <translation>附件(&amp;5)</translation>
    </message>
    <message>
        <source>History (&amp;6)</source>
        <translation>历史(&amp;6)</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Save the file (Ctrl+S)</source>
        <translation>保存档案（Ctrl+S）</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Close the editor (Esc)</source>
        <translation>关闭档案（Esc）</translation>
    </message>
    <message>
        <source>e.g. 2015-03-01</source>
        <translation>如 2015-03-01</translation>
    </message>
    <message>
        <source>Basic information</source>
        <translation>基本信息</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>18 characters</source>
        <translation>18位号码</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <source>Show the full ID number; the look is written to the audit log</source>
        <translation>显示完整身份证号；查看记录将写入审计日志</translation>
    </message>
    <message>
        <source>Birth date</source>
        <translation>出生日期</translation>
    </message>
    <message>
        <source>Sex</source>
        <translation>性别</translation>
    </message>
    <message>
        <source>Age</source>
        <translation>年龄</translation>
    </message>
    <message>
        <source>ID number</source>
        <translation>身份证号</translation>
    </message>
    <message>
        <source>Ethnicity</source>
        <translation>民族</translation>
    </message>
    <message>
        <source>Political status</source>
        <translation>政治面貌</translation>
    </message>
    <message>
        <source>Marital status</source>
        <translation>婚姻状况</translation>
    </message>
    <message>
        <source>Work status</source>
        <translation>工作状态</translation>
    </message>
    <message>
        <source>Model worker</source>
        <translation>劳模类型</translation>
    </message>
    <message>
        <source>Medical insurance</source>
        <translation>医保状况</translation>
    </message>
    <message>
        <source>Health</source>
        <translation>健康状况</translation>
    </message>
    <message>
        <source>Disability type</source>
        <translation>残疾类别</translation>
    </message>
    <message>
        <source>Disability grade</source>
        <translation>残疾等级</translation>
    </message>
    <message>
        <source>Illness</source>
        <translation>所患疾病</translation>
    </message>
    <message>
        <source>e.g. malignant tumour, uraemia</source>
        <translation>如：恶性肿瘤、尿毒症</translation>
    </message>
    <message>
        <source>Health, illness and disability are sensitive personal information and are hidden.</source>
        <translation>健康状况、所患疾病和残疾信息属于敏感个人信息，已隐藏。</translation>
    </message>
    <message>
        <source>Show health information; the look is written to the audit log</source>
        <translation>显示健康信息；查看记录将写入审计日志</translation>
    </message>
    <message>
        <source>Household</source>
        <translation>家庭情况</translation>
    </message>
    <message>
        <source>Single parent</source>
        <translation>单亲家庭</translation>
    </message>
    <message>
        <source>Zero-employment household</source>
        <translation>零就业家庭</translation>
    </message>
    <message>
        <source>Some self-help ability</source>
        <translation>有一定自救能力</translation>
    </message>
    <message>
        <source>Migrant worker</source>
        <translation>农民工</translation>
    </message>
    <message>
        <source>New form of employment</source>
        <translation>新就业形态劳动者</translation>
    </message>
    <message>
        <source>Housing and contact</source>
        <translation>住房与联系方式</translation>
    </message>
    <message>
        <source>Mobile phone</source>
        <translation>手机号码</translation>
    </message>
    <message>
        <source>11 digits</source>
        <translation>11位手机号码</translation>
    </message>
    <message>
        <source>Other contact</source>
        <translation>其他联系方式</translation>
    </message>
    <message>
        <source>Postal code</source>
        <translation>邮政编码</translation>
    </message>
    <message>
        <source>6 digits</source>
        <translation>6位数字</translation>
    </message>
    <message>
        <source>Home address</source>
        <translation>家庭住址</translation>
    </message>
    <message>
        <source>Province, city, county, town, village or street, number</source>
        <translation>省、市、县、乡镇、村或街道、门牌号</translation>
    </message>
    <message>
        <source>Housing</source>
        <translation>住房类型</translation>
    </message>
    <message>
        <source>Floor area</source>
        <translation>建筑面积</translation>
    </message>
    <message>
        <source>Hukou type</source>
        <translation>户口类型</translation>
    </message>
    <message>
        <source>Hukou region code</source>
        <translation>户口所在地</translation>
    </message>
    <message>
        <source>6-digit region code</source>
        <translation>6位行政区划代码，如 610826</translation>
    </message>
    <message>
        <source>Work and union</source>
        <translation>工作单位与所属工会</translation>
    </message>
    <message>
        <source>Employer</source>
        <translation>工作单位</translation>
    </message>
    <message>
        <source>Started work</source>
        <translation>参加工作时间</translation>
    </message>
    <message>
        <source>(choose)</source>
        <translation>（请选择）</translation>
    </message>
    <message>
        <source>Grassroots union</source>
        <translation>所属工会</translation>
    </message>
    <message>
        <source>File and sign-off</source>
        <translation>档案与经办</translation>
    </message>
    <message>
        <source>File type</source>
        <translation>档案类型</translation>
    </message>
    <message>
        <source>File origin</source>
        <translation>档案来源</translation>
    </message>
    <message>
        <source>Target for leaving hardship</source>
        <translation>列为解困脱困对象</translation>
    </message>
    <message>
        <source>Exit target</source>
        <translation>解困脱困</translation>
    </message>
    <message>
        <source>Target since</source>
        <translation>列为对象时间</translation>
    </message>
    <message>
        <source>Income check date</source>
        <translation>民政核对日期</translation>
    </message>
    <message>
        <source>Income check result</source>
        <translation>民政核对结果</translation>
    </message>
    <message>
        <source>Filed by</source>
        <translation>建档人</translation>
    </message>
    <message>
        <source>Reviewed by</source>
        <translation>审核人</translation>
    </message>
    <message>
        <source>Entered by</source>
        <translation>录入人</translation>
    </message>
    <message>
        <source>Income and expenses (yuan)</source>
        <translation>收入与支出（元）</translation>
    </message>
    <message>
        <source>e.g. 1,234.50</source>
        <translation>如 1,234.50</translation>
    </message>
    <message>
        <source>Worker's monthly income</source>
        <translation>本人月平均收入</translation>
    </message>
    <message>
        <source>Other non-wage income per year</source>
        <translation>家庭其他非薪资年收入</translation>
    </message>
    <message>
        <source>Medical expenses this year</source>
        <translation>本年医疗支出</translation>
    </message>
    <message>
        <source>Schooling expenses this year</source>
        <translation>本年教育支出</translation>
    </message>
    <message>
        <source>Hardship costs this year</source>
        <translation>本年致困支出</translation>
    </message>
    <message>
        <source>Struck by a natural disaster or an accident</source>
        <translation>遭受自然灾害或意外事故</translation>
    </message>
    <message>
        <source>Disaster or accident</source>
        <translation>灾害或事故</translation>
    </message>
    <message>
        <source>Members' incomes are entered on the Members tab.</source>
        <translation>家庭成员的月收入在“家庭成员”页填写。</translation>
    </message>
    <message>
        <source>By the formula</source>
        <translation>按公式</translation>
    </message>
    <message>
        <source>Household size</source>
        <translation>家庭人口</translation>
    </message>
    <message>
        <source>Household income per year</source>
        <translation>家庭年度总收入</translation>
    </message>
    <message>
        <source>Rigid expenses (medical + schooling)</source>
        <translation>刚性支出（医疗＋教育）</translation>
    </message>
    <message>
        <source>Per-capita monthly income</source>
        <translation>家庭月人均收入</translation>
    </message>
    <message>
        <source>Subsistence line</source>
        <translation>当地低保标准</translation>
    </message>
    <message>
        <source>Compared with the line</source>
        <translation>与低保标准比较</translation>
    </message>
    <message>
        <source>Proposed category</source>
        <translation>公式建议类别</translation>
    </message>
    <message>
        <source>(household income − rigid expenses) ÷ 12 ÷ household size. Below the line: deep hardship; below twice the line: relative hardship; a disaster or accident, or hardship costs above 80% of the year's income: hardship by accident.</source>
        <translation>月人均收入＝（家庭年度总收入－刚性支出）÷12÷家庭人口。低于低保标准为深度困难；低于低保标准2倍为相对困难；遭受灾害或意外事故，或当年致困支出超过家庭年收入80%的，为意外致困。</translation>
    </message>
    <message>
        <source>Category and causes</source>
        <translation>困难类别与致困原因</translation>
    </message>
    <message>
        <source>Hardship category</source>
        <translation>困难类别</translation>
    </message>
    <message>
        <source>Why the category differs from the formula</source>
        <translation>说明为何不按公式结果定类别</translation>
    </message>
    <message>
        <source>Reason for the category</source>
        <translation>类别调整理由</translation>
    </message>
    <message>
        <source>Main cause</source>
        <translation>主要致困原因</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <source>Other cause {0}</source>
        <translation>次要致困原因{0}</translation>
    </message>
    <message>
        <source>Other cause, described</source>
        <translation>其他致困原因说明</translation>
    </message>
    <message>
        <source>Account for payments</source>
        <translation>补助发放账户</translation>
    </message>
    <message>
        <source>Bank</source>
        <translation>开户银行</translation>
    </message>
    <message>
        <source>e.g. Agricultural Bank of China</source>
        <translation>如：中国农业银行</translation>
    </message>
    <message>
        <source>Branch</source>
        <translation>支行名称</translation>
    </message>
    <message>
        <source>12 to 30 digits</source>
        <translation>12至30位数字</translation>
    </message>
    <message>
        <source>Show the full account number; the look is written to the audit log</source>
        <translation>显示完整银行卡号；查看记录将写入审计日志</translation>
    </message>
    <message>
        <source>Account number</source>
        <translation>银行卡号</translation>
    </message>
    <message>
        <source>Aid is paid into the worker's own account; cash is handed over only against a signed sign-off sheet.</source>
        <translation>补助资金发放至职工本人名下账户；现金发放须凭签领表签字领取。</translation>
    </message>
    <message>
        <source>The worker is under 16 by this ID number; please check it</source>
        <translation>按此身份证号计算职工未满16周岁，请核对身份证号</translation>
    </message>
    <message>
        <source>Region code {0} is not in the current table (an old number may carry a retired code)</source>
        <translation>地区代码 {0} 不在现行区划表中（旧身份证可能使用已撤销的代码，可忽略）</translation>
    </message>
    <message>
        <source>Issued in {0}</source>
        <translation>发证地：{0}</translation>
    </message>
    <message>
        <source>{0} yrs</source>
        <translation>{0}岁</translation>
    </message>
    <message>
        <source>Required</source>
        <translation>必填</translation>
    </message>
    <message>
        <source>Too long: {0} characters, at most {1}</source>
        <translation>过长：{0}个字，最多{1}个字</translation>
    </message>
    <message>
        <source>The region code has 6 digits</source>
        <translation>行政区划代码应为6位数字</translation>
    </message>
    <message>
        <source>Not in the current region table; a retired code is accepted</source>
        <translation>不在现行区划表中；已撤销的旧代码也可保存</translation>
    </message>
    <message>
        <source>Choose the grassroots union holding the file</source>
        <translation>请选择档案所属的基层工会</translation>
    </message>
    <message>
        <source>A disability type needs its grade</source>
        <translation>填写了残疾类别，还须选择残疾等级</translation>
    </message>
    <message>
        <source>Fill in the worker's monthly income (0 if none): without it the category cannot be worked out</source>
        <translation>请填写本人月平均收入（没有收入填0）：未填写时无法测算困难类别</translation>
    </message>
    <message>
        <source>Fill in the bank as well</source>
        <translation>请同时填写开户银行</translation>
    </message>
    <message>
        <source>By the formula the household fits no category; choose one and give the reason</source>
        <translation>按公式测算不符合任一困难类别；如确需建档，请选择困难类别并填写调整理由</translation>
    </message>
    <message>
        <source>no category</source>
        <translation>不符合任一类别</translation>
    </message>
    <message>
        <source>The formula gives “{0}”: a different category needs a reason</source>
        <translation>公式结果为“{0}”，选择其他类别须填写类别调整理由</translation>
    </message>
    <message>
        <source>Choose the main cause of hardship</source>
        <translation>请选择一项主要致困原因</translation>
    </message>
    <message>
        <source>Already the main cause</source>
        <translation>已是主要致困原因</translation>
    </message>
    <message>
        <source>Chosen twice</source>
        <translation>重复选择</translation>
    </message>
    <message>
        <source>Required: why the category differs from the formula</source>
        <translation>必填：说明为何不按公式结果定类别</translation>
    </message>
    <message>
        <source>Only when the category differs from the formula</source>
        <translation>仅在不按公式结果定类别时填写</translation>
    </message>
    <message>
        <source>Members to be completed: the ledger gives a household of {0}, {1} listed here, {2} to add on the Members tab.</source>
        <translation>成员待补录：台账登记家庭人口{0}人，这里已列出{1}人，还有{2}人请在“家庭成员”页补录。</translation>
    </message>
    <message>
        <source>Until then the category is judged on the ledger's household size and its household income of {0} yuan a year; once everyone is listed it is computed from the members.</source>
        <translation>补录完成前，按台账登记的家庭人口和家庭年收入{0}元测算类别；全部成员录入后，按家庭成员重新计算。</translation>
    </message>
    <message>
        <source>{0} persons</source>
        <translation>{0}人</translation>
    </message>
    <message>
        <source>{0} persons (as the ledger gives it; {1} listed)</source>
        <translation>{0}人（台账登记数，已列出{1}人）</translation>
    </message>
    <message>
        <source>the worker's monthly income</source>
        <translation>本人月平均收入</translation>
    </message>
    <message>
        <source>{0}'s monthly income</source>
        <translation>{0}的月收入</translation>
    </message>
    <message>
        <source>Not yet: fill in {0} (0 if none)</source>
        <translation>暂不能测算：请先填写{0}（没有收入填0）</translation>
    </message>
    <message>
        <source>Correct the amounts marked in red first</source>
        <translation>请先更正标红的金额</translation>
    </message>
    <message>
        <source>{0} yuan</source>
        <translation>{0}元</translation>
    </message>
    <message>
        <source>Waiting for the subsistence line…</source>
        <translation>正在读取低保标准…</translation>
    </message>
    <message>
        <source>below the line</source>
        <translation>低于低保标准</translation>
    </message>
    <message>
        <source>below twice the line</source>
        <translation>低于低保标准2倍</translation>
    </message>
    <message>
        <source>at or above twice the line</source>
        <translation>不低于低保标准2倍</translation>
    </message>
    <message>
        <source>{0:.2f} times the line, {1}</source>
        <translation>为低保标准的{0:.2f}倍，{1}</translation>
    </message>
    <message>
        <source>fits no category</source>
        <translation>不符合任一类别</translation>
    </message>
    <message>
        <source>{0} yuan per person per month</source>
        <translation>每人每月{0}元</translation>
    </message>
    <message>
        <source>loading…</source>
        <translation>正在读取…</translation>
    </message>
    <message>
        <source>By the formula (income not filled in yet)</source>
        <translation>按公式（收入未填，暂不能测算）</translation>
    </message>
    <message>
        <source>By the formula ({0})</source>
        <translation>按公式（{0}）</translation>
    </message>
    <message>
        <source>The file could not be opened: {0}</source>
        <translation>无法打开档案：{0}</translation>
    </message>
    <message>
        <source> (deactivated)</source>
        <translation>（已停用）</translation>
    </message>
    <message>
        <source>{0} (this federation)</source>
        <translation>{0}（本级）</translation>
    </message>
    <message>
        <source>This file belongs to {0}; here it can only be viewed (that unit changes it and reports it again).</source>
        <translation>此档案属于{0}，在本单位只能查看（须由该单位修改后报送）。</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Your role ({0}) may view this file but not change it.</source>
        <translation>您的角色（{0}）只能查看档案，不能修改。</translation>
    </message>
    <message>
        <source>This file has exited the registry and is kept read-only.</source>
        <translation>此档案已撤档，只读保存。</translation>
    </message>
    <message>
        <source>This file is “{0}” and cannot be changed now; a reviewer can send it back to draft.</source>
        <translation>此档案当前状态为“{0}”，暂不能修改；如需修改，请审核人退回后再改。</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在读取…</translation>
    </message>
    <message>
        <source>New hardship file</source>
        <translation>新建困难职工档案</translation>
    </message>
    <message>
        <source>New hardship file — the file number is given when it is first saved</source>
        <translation>新建困难职工档案（首次保存时生成档案编号）</translation>
    </message>
    <message>
        <source>Draft</source>
        <translation>草稿</translation>
    </message>
    <message>
        <source>Hardship file {0} ({1})</source>
        <translation>困难职工档案 — {0}（{1}）</translation>
    </message>
    <message>
        <source>{0}  ·  file no. {1}</source>
        <translation>{0}　·　档案编号 {1}</translation>
    </message>
    <message>
        <source>Status: {0}   Version {1}</source>
        <translation>状态：{0}　第 {1} 版</translation>
    </message>
    <message>
        <source>Member row {0}: {1}</source>
        <translation>家庭成员第{0}行：{1}</translation>
    </message>
    <message>
        <source>Row {0}: {1}</source>
        <translation>第{0}行：{1}</translation>
    </message>
    <message>
        <source>Not saved: {0} item(s) need correcting — {1}</source>
        <translation>未保存：有 {0} 处需要更正——{1}</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>正在保存…</translation>
    </message>
    <message>
        <source>Saving the file…</source>
        <translation>正在保存档案…</translation>
    </message>
    <message>
        <source>Saved: file {0}, version {1}.</source>
        <translation>已保存：档案 {0}，第 {1} 版。</translation>
    </message>
    <message>
        <source>Not saved.</source>
        <translation>未保存。</translation>
    </message>
    <message>
        <source>Not saved: {0}</source>
        <translation>未保存：{0}</translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation>尚未保存</translation>
    </message>
    <message>
        <source>This file has changes that are not saved. Save them before closing?</source>
        <translation>档案有尚未保存的修改。关闭前要保存吗？</translation>
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
        <source>Saving… please wait.</source>
        <translation>正在保存，请稍候。</translation>
    </message>
</context>
<context>
    <name>HistoryTab</name>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>By</source>
        <translation>操作人</translation>
    </message>
    <message>
        <source>What</source>
        <translation>事项</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>说明</translation>
    </message>
    <message>
        <source>Approval steps are shown in bold. Sensitive values are never shown here.</source>
        <translation>审批步骤以粗体显示。此处不显示敏感信息的内容。</translation>
    </message>
    <message>
        <source>The history starts when the file is first saved.</source>
        <translation>档案首次保存后开始记录历史。</translation>
    </message>
    <message>
        <source>{0} entries, newest first</source>
        <translation>共 {0} 条记录，最新的在前</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在读取…</translation>
    </message>
</context>
<context>
    <name>MemberDelegate</name>
    <message>
        <source>(not filled)</source>
        <translation>（未填）</translation>
    </message>
    <message>
        <source>Row {0}: {1}</source>
        <translation>第{0}行：{1}</translation>
    </message>
</context>
<context>
    <name>MembersModel</name>
    <message>
        <source>Name *</source>
        <translation>姓名 *</translation>
    </message>
    <message>
        <source>Relation *</source>
        <translation>与职工关系 *</translation>
    </message>
    <message>
        <source>ID number</source>
        <translation>身份证号</translation>
    </message>
    <message>
        <source>Sex</source>
        <translation>性别</translation>
    </message>
    <message>
        <source>Birth date</source>
        <translation>出生日期</translation>
    </message>
    <message>
        <source>Age</source>
        <translation>年龄</translation>
    </message>
    <message>
        <source>Identity</source>
        <translation>身份</translation>
    </message>
    <message>
        <source>Health</source>
        <translation>健康状况</translation>
    </message>
    <message>
        <source>Monthly income (yuan)</source>
        <translation>月收入（元）</translation>
    </message>
    <message>
        <source>Unit or school</source>
        <translation>单位或学校</translation>
    </message>
    <message>
        <source>Education</source>
        <translation>当前学历</translation>
    </message>
    <message>
        <source>hidden</source>
        <translation>已隐藏</translation>
    </message>
    <message>
        <source>Choose the relation to the worker</source>
        <translation>请选择与职工关系</translation>
    </message>
    <message>
        <source>Same ID number as the worker</source>
        <translation>与职工身份证号相同</translation>
    </message>
    <message>
        <source>Same ID number as row {0}</source>
        <translation>与第{0}行身份证号相同</translation>
    </message>
    <message>
        <source>Fill in the monthly income (0 if none)</source>
        <translation>请填写月收入（没有收入填0）</translation>
    </message>
    <message>
        <source>At most 100 characters</source>
        <translation>最多100个字</translation>
    </message>
    <message>
        <source>row {0}</source>
        <translation>第{0}行</translation>
    </message>
    <message>
        <source>Hidden personal information: press “Show” to see or change it (the look is logged)</source>
        <translation>敏感个人信息已隐藏：点击“显示”后可查看或修改（查看将记入审计日志）</translation>
    </message>
</context>
<context>
    <name>MembersTab</name>
    <message>
        <source>Add member</source>
        <translation>添加成员</translation>
    </message>
    <message>
        <source>Adds a row and starts with the name (Ctrl+N)</source>
        <translation>添加一行，从姓名开始填写（Ctrl+N）</translation>
    </message>
    <message>
        <source>Remove member</source>
        <translation>删除成员</translation>
    </message>
    <message>
        <source>Removes the selected row (Ctrl+Delete)</source>
        <translation>删除选中的一行（Ctrl+删除键）</translation>
    </message>
    <message>
        <source>ID numbers and health of existing members are hidden.</source>
        <translation>已登记成员的身份证号和健康状况已隐藏。</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <source>Shows ID numbers and health; the look is written to the audit log</source>
        <translation>显示身份证号和健康状况；查看记录将写入审计日志</translation>
    </message>
    <message>
        <source>(not filled)</source>
        <translation>（未填）</translation>
    </message>
    <message>
        <source>Enter confirms a cell and moves to the next; F2 edits the current cell. Sex, birth date and age follow from the ID number.</source>
        <translation>按 Enter 确认并移到下一格，按 F2 修改当前格。性别、出生日期和年龄由身份证号自动得出。</translation>
    </message>
    <message>
        <source>Row {0}: {1}</source>
        <translation>第{0}行：{1}</translation>
    </message>
</context>
</TS>
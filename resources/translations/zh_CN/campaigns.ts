<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>AddVisitDialog</name>
    <message>
        <source>Add a household by hand</source>
        <translation>手工添加慰问对象</translation>
    </message>
    <message>
        <source>Recipient</source>
        <translation>慰问对象</translation>
    </message>
    <message>
        <source>Active hardship file</source>
        <translation>在档困难职工</translation>
    </message>
    <message>
        <source>Model worker, on duty over the holiday, or without a file</source>
        <translation>困难劳模、节日坚守岗位职工或未建档户</translation>
    </message>
    <message>
        <source>File no., name, initials or ID tail</source>
        <translation>档案编号、姓名、拼音首字母或身份证号后几位</translation>
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
        <source>By the file's category</source>
        <translation>按档案的困难类别</translation>
    </message>
    <message>
        <source>Visited as</source>
        <translation>慰问类别</translation>
    </message>
    <message>
        <source>Group</source>
        <translation>类别</translation>
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
        <source>Work unit</source>
        <translation>工作单位</translation>
    </message>
    <message>
        <source>Visit</source>
        <translation>走访</translation>
    </message>
    <message>
        <source>yyyy-mm-dd</source>
        <translation>如 2027-01-15</translation>
    </message>
    <message>
        <source>Fund source</source>
        <translation>经费来源</translation>
    </message>
    <message>
        <source>Planned date</source>
        <translation>计划走访日期</translation>
    </message>
    <message>
        <source>Visiting cadres</source>
        <translation>走访干部</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Cash and goods follow the group's standard of the campaign.</source>
        <translation>慰问金和慰问品按本次活动该类别的标准。</translation>
    </message>
    <message>
        <source>Standard for {0}: cash {1} + goods {2} yuan ({3})</source>
        <translation>{0}标准：慰问金 {1} 元 + 慰问品 {2} 元（{3}）</translation>
    </message>
    <message>
        <source>Add a household by hand – {0}</source>
        <translation>手工添加慰问对象 – {0}</translation>
    </message>
</context>
<context>
    <name>CampaignDialog</name>
    <message>
        <source>New Spring Festival campaign</source>
        <translation>新建春节送温暖活动</translation>
    </message>
    <message>
        <source>Edit Spring Festival campaign</source>
        <translation>修改春节送温暖活动</translation>
    </message>
    <message>
        <source>Campaign</source>
        <translation>活动</translation>
    </message>
    <message>
        <source>Default: &lt;year&gt; Spring Festival campaign</source>
        <translation>不填则为“××××年春节送温暖活动”</translation>
    </message>
    <message>
        <source>to</source>
        <translation>至</translation>
    </message>
    <message>
        <source>Festival year</source>
        <translation>春节年度</translation>
    </message>
    <message>
        <source>Campaign name</source>
        <translation>活动名称</translation>
    </message>
    <message>
        <source>Visit period</source>
        <translation>走访期间</translation>
    </message>
    <message>
        <source>Fund sources (their sum is the budget)</source>
        <translation>经费来源（合计即为活动预算）</translation>
    </message>
    <message>
        <source>Fund source</source>
        <translation>经费来源</translation>
    </message>
    <message>
        <source>Amount (yuan)</source>
        <translation>金额（元）</translation>
    </message>
    <message>
        <source>Add a source</source>
        <translation>添加经费来源</translation>
    </message>
    <message>
        <source>Remove the source</source>
        <translation>删除经费来源</translation>
    </message>
    <message>
        <source>Standard per household</source>
        <translation>每户慰问标准</translation>
    </message>
    <message>
        <source>Group</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Cash (yuan)</source>
        <translation>慰问金（元）</translation>
    </message>
    <message>
        <source>Goods value (yuan)</source>
        <translation>慰问品折价（元）</translation>
    </message>
    <message>
        <source>Goods</source>
        <translation>慰问品内容</translation>
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
        <source>Grant from the federation above</source>
        <translation>上级工会拨款</translation>
    </message>
    <message>
        <source>This federation's own funds</source>
        <translation>本级工会经费</translation>
    </message>
    <message>
        <source>Budget: (check the amounts)</source>
        <translation>预算合计：（请核对金额）</translation>
    </message>
    <message>
        <source>Budget: &lt;b&gt;{0}&lt;/b&gt; yuan</source>
        <translation>预算合计：&lt;b&gt;{0}&lt;/b&gt; 元</translation>
    </message>
    <message>
        <source>The campaign's standards. A changed standard also applies to planned households still at the old one.</source>
        <translation>本次活动的慰问标准。修改后，仍按原标准的拟慰问户随之调整。</translation>
    </message>
    <message>
        <source>No standards table for this year: fill in the amounts.</source>
        <translation>本年度尚无救助标准，请填写各类对象的慰问金和慰问品。</translation>
    </message>
    <message>
        <source>From the standards table of {0}; change a line for this campaign only if needed.</source>
        <translation>取自{0}年救助标准；如本次活动另有标准，可修改相应行。</translation>
    </message>
    <message>
        <source>Failed: {0}</source>
        <translation>操作失败：{0}</translation>
    </message>
</context>
<context>
    <name>CampaignsPage</name>
    <message>
        <source>Spring Festival visits</source>
        <translation>春节送温暖</translation>
    </message>
    <message>
        <source>Campaign</source>
        <translation>活动</translation>
    </message>
    <message>
        <source>New campaign…</source>
        <translation>新建活动…</translation>
    </message>
    <message>
        <source>Edit campaign…</source>
        <translation>修改活动…</translation>
    </message>
    <message>
        <source>End campaign</source>
        <translation>结束活动</translation>
    </message>
    <message>
        <source>Standards…</source>
        <translation>救助标准…</translation>
    </message>
    <message>
        <source>Cash and goods per household by group, year by year</source>
        <translation>各类慰问对象每户的慰问金和慰问品（按年度）</translation>
    </message>
    <message>
        <source>Export list…</source>
        <translation>导出名单…</translation>
    </message>
    <message>
        <source>The visit list with its totals as an Excel workbook</source>
        <translation>把慰问名单连同合计导出为 Excel 工作簿</translation>
    </message>
    <message>
        <source>Overview</source>
        <translation>活动概况</translation>
    </message>
    <message>
        <source>Visit list</source>
        <translation>走访慰问名单</translation>
    </message>
    <message>
        <source>All campaigns</source>
        <translation>全部活动</translation>
    </message>
    <message>
        <source>Name, ID tail, unit or cadre</source>
        <translation>姓名、身份证号后几位、单位或走访干部</translation>
    </message>
    <message>
        <source>All steps</source>
        <translation>全部状态</translation>
    </message>
    <message>
        <source>Planned (draft)</source>
        <translation>拟慰问（草稿）</translation>
    </message>
    <message>
        <source>All groups</source>
        <translation>全部类别</translation>
    </message>
    <message>
        <source>All unions</source>
        <translation>全部基层工会</translation>
    </message>
    <message>
        <source>Cadre</source>
        <translation>走访干部</translation>
    </message>
    <message>
        <source>Visited or not</source>
        <translation>走访情况</translation>
    </message>
    <message>
        <source>Visited</source>
        <translation>已走访</translation>
    </message>
    <message>
        <source>Not yet visited</source>
        <translation>未走访</translation>
    </message>
    <message>
        <source>Opinion</source>
        <translation>意见</translation>
    </message>
    <message>
        <source>Written into the approval record (the reason, to send back or remove from the list)</source>
        <translation>记入审批记录（退回或移出名单时须填写理由）</translation>
    </message>
    <message>
        <source>Add by hand…</source>
        <translation>手工添加…</translation>
    </message>
    <message>
        <source>Generate the list…</source>
        <translation>生成名单…</translation>
    </message>
    <message>
        <source>Open…</source>
        <translation>打开…</translation>
    </message>
    <message>
        <source>Remove from the list…</source>
        <translation>移出名单…</translation>
    </message>
    <message>
        <source>Pay…</source>
        <translation>发放…</translation>
    </message>
    <message>
        <source>Send the chosen households for review</source>
        <translation>将所选户提交审核</translation>
    </message>
    <message>
        <source>Reviewed: pass them to the chair</source>
        <translation>审核通过，报主席审批</translation>
    </message>
    <message>
        <source>Approve: checked against each fund source and the budget; all or none</source>
        <translation>审批：逐户核对经费来源和预算；全部通过或全部不通过</translation>
    </message>
    <message>
        <source>Send back to the clerk with a reason</source>
        <translation>退回经办人（须填写理由）</translation>
    </message>
    <message>
        <source>Take the households off the list, with a reason (kept in the record)</source>
        <translation>将所选户移出慰问名单（须填写理由，留存记录）</translation>
    </message>
    <message>
        <source>Pay the cash of approved visits, each on its own voucher</source>
        <translation>发放已审批户的慰问金，每户一张发放凭证</translation>
    </message>
    <message>
        <source>Year</source>
        <translation>年度</translation>
    </message>
    <message>
        <source>Visit period</source>
        <translation>走访期间</translation>
    </message>
    <message>
        <source>Budget (yuan)</source>
        <translation>预算（元）</translation>
    </message>
    <message>
        <source>Fund sources</source>
        <translation>经费来源</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Households on the list</source>
        <translation>名单户数</translation>
    </message>
    <message>
        <source>Paid</source>
        <translation>已发放</translation>
    </message>
    <message>
        <source>Reporting unit</source>
        <translation>上报单位</translation>
    </message>
    <message>
        <source>Double-click a campaign to open it.</source>
        <translation>双击活动即可打开。</translation>
    </message>
    <message>
        <source> (ended)</source>
        <translation>（已结束）</translation>
    </message>
    <message>
        <source>{0} ({1}, ended)</source>
        <translation>{0}（{1}，已结束）</translation>
    </message>
    <message>
        <source>{0} ({1})</source>
        <translation>{0}（{1}）</translation>
    </message>
    <message>
        <source>ended</source>
        <translation>已结束</translation>
    </message>
    <message>
        <source>open</source>
        <translation>进行中</translation>
    </message>
    <message>
        <source>this unit</source>
        <translation>本单位</translation>
    </message>
    <message>
        <source>No campaign yet</source>
        <translation>尚未设立活动</translation>
    </message>
    <message>
        <source>Visits {0} – {1}, {2}</source>
        <translation>走访期间 {0} 至 {1}，{2}</translation>
    </message>
    <message>
        <source>Reopen campaign</source>
        <translation>重开活动</translation>
    </message>
    <message>
        <source>This campaign belongs to {0}: here it can only be viewed (the overview, the list and its export); that unit makes every change and step.</source>
        <translation>此活动属于{0}，在本单位只能查看（概况、名单和导出名单），修改和办理须由该单位进行后报送。</translation>
    </message>
    <message>
        <source>Budget &lt;b&gt;{0}&lt;/b&gt; · planned {1} · approved {2} · paid {3} · remaining &lt;b&gt;{4}&lt;/b&gt; yuan</source>
        <translation>预算 &lt;b&gt;{0}&lt;/b&gt; · 计划 {1} · 已审批待发放 {2} · 已发放 {3} · 剩余 &lt;b&gt;{4}&lt;/b&gt; 元</translation>
    </message>
    <message>
        <source> — &lt;span style='color:#c62828'&gt;{0} yuan over if all were approved&lt;/span&gt;</source>
        <translation> — &lt;span style='color:#c62828'&gt;如全部审批将超出 {0} 元&lt;/span&gt;</translation>
    </message>
    <message>
        <source>{0} households</source>
        <translation>共 {0} 户</translation>
    </message>
    <message>
        <source>Choose all {0}</source>
        <translation>选择全部 {0} 户</translation>
    </message>
    <message>
        <source>All {0} households chosen (also those not yet shown)</source>
        <translation>已选择全部 {0} 户（含尚未显示的）</translation>
    </message>
    <message>
        <source>{0} chosen</source>
        <translation>已选 {0} 户</translation>
    </message>
    <message>
        <source>Reason:</source>
        <translation>理由：</translation>
    </message>
    <message>
        <source>Approve the chosen households: {0}?</source>
        <translation>审批所选慰问户：{0}？</translation>
    </message>
    <message>
        <source>Counting the money</source>
        <translation>正在合计金额</translation>
    </message>
    <message>
        <source>No household matches any more; nothing was done.</source>
        <translation>已没有符合条件的户，未作任何处理。</translation>
    </message>
    <message>
        <source>{0}: done for {1} households.</source>
        <translation>{0}：已完成 {1} 户。</translation>
    </message>
    <message>
        <source> Vouchers {0} to {1}.</source>
        <translation>发放凭证 {0} 至 {1}。</translation>
    </message>
    <message>
        <source>{0}: not done. {1}</source>
        <translation>{0}：未执行。{1}</translation>
    </message>
    <message>
        <source>{0}: {1} households</source>
        <translation>{0}：{1} 户</translation>
    </message>
</context>
<context>
    <name>DashboardView</name>
    <message>
        <source>Households by step</source>
        <translation>各环节户数</translation>
    </message>
    <message>
        <source>Visited</source>
        <translation>已走访</translation>
    </message>
    <message>
        <source>With photo</source>
        <translation>有照片</translation>
    </message>
    <message>
        <source>Vouchers</source>
        <translation>发放凭证</translation>
    </message>
    <message>
        <source>Budget by fund source</source>
        <translation>经费来源与预算</translation>
    </message>
    <message>
        <source>Fund source</source>
        <translation>经费来源</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>进度</translation>
    </message>
    <message>
        <source>Budget</source>
        <translation>预算</translation>
    </message>
    <message>
        <source>Households</source>
        <translation>户数</translation>
    </message>
    <message>
        <source>Cash total</source>
        <translation>慰问金</translation>
    </message>
    <message>
        <source>Goods total</source>
        <translation>慰问品</translation>
    </message>
    <message>
        <source>In the steps</source>
        <translation>审批中</translation>
    </message>
    <message>
        <source>Approved, unpaid</source>
        <translation>已审批未发放</translation>
    </message>
    <message>
        <source>Paid</source>
        <translation>已发放</translation>
    </message>
    <message>
        <source>Planned total</source>
        <translation>计划合计</translation>
    </message>
    <message>
        <source>Remaining</source>
        <translation>剩余</translation>
    </message>
    <message>
        <source>By group</source>
        <translation>按慰问对象类别</translation>
    </message>
    <message>
        <source>Group</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Amounts in yuan, cash and goods together.</source>
        <translation>金额单位：元（慰问金与慰问品折价合计）。</translation>
    </message>
    <message>
        <source>paid</source>
        <translation>已发放</translation>
    </message>
    <message>
        <source>approved</source>
        <translation>已审批</translation>
    </message>
    <message>
        <source>in the steps</source>
        <translation>审批中</translation>
    </message>
    <message>
        <source>budget line</source>
        <translation>预算线</translation>
    </message>
    <message>
        <source>No campaign chosen.</source>
        <translation>未选择活动。</translation>
    </message>
    <message>
        <source>Planned &lt;b&gt;{0}&lt;/b&gt; households: cash {1} + goods {2} yuan · approved and paid {3} yuan · cash paid out on {4} vouchers: &lt;b&gt;{5}&lt;/b&gt; yuan (goods are handed over in kind)</source>
        <translation>计划慰问 &lt;b&gt;{0}&lt;/b&gt; 户：慰问金 {1} 元 + 慰问品 {2} 元 · 已审批（含已发放）{3} 元 · 已开发放凭证 {4} 张，发放慰问金 &lt;b&gt;{5}&lt;/b&gt; 元（慰问品以实物发放）</translation>
    </message>
    <message>
        <source> — &lt;span style='color:#c62828'&gt;the plan is {0} yuan over the budget&lt;/span&gt;</source>
        <translation> — &lt;span style='color:#c62828'&gt;计划超出预算 {0} 元&lt;/span&gt;</translation>
    </message>
    <message>
        <source>Whole campaign</source>
        <translation>全部（活动预算）</translation>
    </message>
</context>
<context>
    <name>GenerationWizard</name>
    <message>
        <source>Generate the visit list</source>
        <translation>生成慰问名单</translation>
    </message>
    <message>
        <source>&lt; Back</source>
        <translation>&lt; 上一步</translation>
    </message>
    <message>
        <source>Preview &gt;</source>
        <translation>预览 &gt;</translation>
    </message>
    <message>
        <source>Generate the list</source>
        <translation>生成名单</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Categories</source>
        <translation>困难类别</translation>
    </message>
    <message>
        <source>Only households that are all of</source>
        <translation>只列入同时符合以下条件的家庭</translation>
    </message>
    <message>
        <source>Grassroots unions (none ticked: all)</source>
        <translation>基层工会（不勾选即为全部）</translation>
    </message>
    <message>
        <source>The visits</source>
        <translation>走访安排</translation>
    </message>
    <message>
        <source>yyyy-mm-dd (optional)</source>
        <translation>如 2027-01-15（可不填）</translation>
    </message>
    <message>
        <source>optional; each visit can be given its own later</source>
        <translation>可不填，之后可逐户填写</translation>
    </message>
    <message>
        <source>Charged to</source>
        <translation>经费来源</translation>
    </message>
    <message>
        <source>Planned date</source>
        <translation>计划走访日期</translation>
    </message>
    <message>
        <source>Visiting cadres</source>
        <translation>走访干部</translation>
    </message>
    <message>
        <source>Households to add, by group</source>
        <translation>拟列入的户数（按类别）</translation>
    </message>
    <message>
        <source>Group</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Households</source>
        <translation>户数</translation>
    </message>
    <message>
        <source>Cash (yuan)</source>
        <translation>慰问金（元）</translation>
    </message>
    <message>
        <source>Goods (yuan)</source>
        <translation>慰问品（元）</translation>
    </message>
    <message>
        <source>Total (yuan)</source>
        <translation>合计（元）</translation>
    </message>
    <message>
        <source>Already on the list (skipped)</source>
        <translation>已在名单中（跳过）</translation>
    </message>
    <message>
        <source>Against the budget (yuan; planned = every household on the list)</source>
        <translation>与预算对照（元；计划＝名单中所有户）</translation>
    </message>
    <message>
        <source>Fund source</source>
        <translation>经费来源</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <source>Planned so far</source>
        <translation>已列入计划</translation>
    </message>
    <message>
        <source>Adding</source>
        <translation>本次新增</translation>
    </message>
    <message>
        <source>Planned after</source>
        <translation>新增后计划</translation>
    </message>
    <message>
        <source>Approved or paid</source>
        <translation>已审批或已发放</translation>
    </message>
    <message>
        <source>Over</source>
        <translation>超出</translation>
    </message>
    <message>
        <source>Step 1 of 3: which households</source>
        <translation>第1步（共3步）：选择慰问对象</translation>
    </message>
    <message>
        <source>Step 2 of 3: check the list against the budget</source>
        <translation>第2步（共3步）：核对名单与预算</translation>
    </message>
    <message>
        <source>Step 3 of 3: done</source>
        <translation>第3步（共3步）：完成</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Generate the visit list – {0}</source>
        <translation>生成慰问名单 – {0}</translation>
    </message>
    <message>
        <source>{0} ({1} yuan)</source>
        <translation>{0}（{1} 元）</translation>
    </message>
    <message>
        <source>{0} {1} + {2}</source>
        <translation>{0} {1} + {2}</translation>
    </message>
    <message>
        <source>Standards of the campaign (cash + goods, yuan): {0}</source>
        <translation>本次活动慰问标准（慰问金 + 慰问品，元）：{0}</translation>
    </message>
    <message>
        <source>Failed: {0}</source>
        <translation>操作失败：{0}</translation>
    </message>
    <message>
        <source>&lt;b&gt;{0}&lt;/b&gt; households will be added: cash {1}, goods {2}, together &lt;b&gt;{3}&lt;/b&gt; yuan, charged to “{4}”. {5} households that match are already on the list and are skipped.</source>
        <translation>将列入 &lt;b&gt;{0}&lt;/b&gt; 户：慰问金 {1} 元，慰问品 {2} 元，合计 &lt;b&gt;{3}&lt;/b&gt; 元，列支“{4}”。符合条件但已在名单中的 {5} 户将跳过。</translation>
    </message>
    <message>
        <source>Together</source>
        <translation>合计</translation>
    </message>
    <message>
        <source>Whole campaign</source>
        <translation>全部（活动预算）</translation>
    </message>
    <message>
        <source>After this list, the households planned on “{0}” come to {1} yuan, {2} yuan more than the source holds.</source>
        <translation>列入后，“{0}”的计划金额为 {1} 元，超出该来源 {2} 元。</translation>
    </message>
    <message>
        <source>The whole plan is {0} yuan over the budget.</source>
        <translation>全部计划超出活动预算 {0} 元。</translation>
    </message>
    <message>
        <source>The list can be generated, but approval stops where the money ends: charge some households to another source or raise the budget.</source>
        <translation>名单仍可生成，但超出的部分不能审批：请将部分户改列其他经费来源，或追加预算。</translation>
    </message>
    <message>
        <source>Writing the list: {0} of {1} households</source>
        <translation>正在写入名单：{0} / {1} 户</translation>
    </message>
    <message>
        <source>&lt;b&gt;{0}&lt;/b&gt; households are on the list of {1} as planned visits (cash {2}, goods {3} yuan); {4} were on it already. Next: check the list, then submit it for review.</source>
        <translation>已将 &lt;b&gt;{0}&lt;/b&gt; 户列入{1}，状态为拟慰问（慰问金 {2} 元，慰问品 {3} 元）；{4} 户原已在名单中。下一步：核对名单后提交审核。</translation>
    </message>
    <message>
        <source>Cancelled: the list was not generated, no household was added.</source>
        <translation>已取消：名单未生成，没有列入任何一户。</translation>
    </message>
    <message>
        <source>Generating the list of {0} households</source>
        <translation>正在生成 {0} 户的慰问名单</translation>
    </message>
</context>
<context>
    <name>MoneyBar</name>
    <message>
        <source>Paid {0} · approved {1} · in the steps {2} yuan</source>
        <translation>已发放 {0} · 已审批 {1} · 审批中 {2} 元</translation>
    </message>
    <message>
        <source> · budget {0} yuan</source>
        <translation> · 预算 {0} 元</translation>
    </message>
</context>
<context>
    <name>VisitEditor</name>
    <message>
        <source>Spring Festival visit</source>
        <translation>春节走访慰问</translation>
    </message>
    <message>
        <source>Recipient</source>
        <translation>慰问对象</translation>
    </message>
    <message>
        <source>Visit</source>
        <translation>走访</translation>
    </message>
    <message>
        <source>e.g. Zhang Guoqiang, Wang Jianjun</source>
        <translation>如：张国强、王建军</translation>
    </message>
    <message>
        <source>yyyy-mm-dd</source>
        <translation>如 2027-01-15</translation>
    </message>
    <message>
        <source>yyyy-mm-dd, after approval</source>
        <translation>审批后填写，如 2027-01-15</translation>
    </message>
    <message>
        <source>Visiting cadres</source>
        <translation>走访干部</translation>
    </message>
    <message>
        <source>Planned date</source>
        <translation>计划走访日期</translation>
    </message>
    <message>
        <source>Visited on</source>
        <translation>实际走访日期</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Cash and goods</source>
        <translation>慰问金和慰问品</translation>
    </message>
    <message>
        <source>Required above the standard</source>
        <translation>高于标准时必填</translation>
    </message>
    <message>
        <source>Cash (yuan)</source>
        <translation>慰问金（元）</translation>
    </message>
    <message>
        <source>Goods value (yuan)</source>
        <translation>慰问品折价（元）</translation>
    </message>
    <message>
        <source>Goods</source>
        <translation>慰问品内容</translation>
    </message>
    <message>
        <source>Fund source</source>
        <translation>经费来源</translation>
    </message>
    <message>
        <source>Reason for more</source>
        <translation>金额调整理由</translation>
    </message>
    <message>
        <source>Photo of the visit</source>
        <translation>走访照片</translation>
    </message>
    <message>
        <source>Choose a photo…</source>
        <translation>选择照片…</translation>
    </message>
    <message>
        <source>Remove the photo</source>
        <translation>删除照片</translation>
    </message>
    <message>
        <source>A photo taken at the visit, at most {0} MB; kept in the database.</source>
        <translation>走访时拍摄的照片，不超过 {0} MB，保存在数据库中。</translation>
    </message>
    <message>
        <source>Visit: {0} – {1}</source>
        <translation>走访慰问：{0} – {1}</translation>
    </message>
    <message>
        <source>file {0}</source>
        <translation>档案 {0}</translation>
    </message>
    <message>
        <source>no hardship file</source>
        <translation>未建档</translation>
    </message>
    <message>
        <source>Status: {0}</source>
        <translation>状态：{0}</translation>
    </message>
    <message>
        <source>Standard for {0}: cash {1} + goods {2} yuan ({3})</source>
        <translation>{0}标准：慰问金 {1} 元 + 慰问品 {2} 元（{3}）</translation>
    </message>
    <message>
        <source>goods not described</source>
        <translation>慰问品未说明</translation>
    </message>
    <message>
        <source>The campaign has no standard for this group.</source>
        <translation>本次活动没有该类别的慰问标准。</translation>
    </message>
    <message>
        <source>This visit belongs to {0}; here it can only be viewed (that unit changes it and reports it again).</source>
        <translation>此走访记录属于{0}，在本单位只能查看（须由该单位修改后报送）。</translation>
    </message>
    <message>
        <source>This household was removed from the list; nothing can be changed.</source>
        <translation>该户已移出慰问名单，不能再修改。</translation>
    </message>
    <message>
        <source>Approved on {0}: cash, goods and fund source are fixed; record the visit below.</source>
        <translation>已于 {0} 审批：慰问金、慰问品和经费来源不能再改；请登记走访情况。</translation>
    </message>
    <message>
        <source>Only the approver changes the amounts once the household is submitted.</source>
        <translation>提交后只有审批人可以调整金额。</translation>
    </message>
    <message>
        <source>Read only for your role.</source>
        <translation>您的角色只能查看。</translation>
    </message>
    <message>
        <source>No photo</source>
        <translation>暂无照片</translation>
    </message>
    <message>
        <source>Choose a photo</source>
        <translation>选择照片</translation>
    </message>
    <message>
        <source>Pictures (*.jpg *.jpeg *.png)</source>
        <translation>图片 (*.jpg *.jpeg *.png)</translation>
    </message>
</context>
<context>
    <name>VisitLabels</name>
    <message>
        <source>Planned</source>
        <translation>拟慰问</translation>
    </message>
    <message>
        <source>Submitted</source>
        <translation>已提交</translation>
    </message>
    <message>
        <source>Reviewed</source>
        <translation>已审核</translation>
    </message>
    <message>
        <source>On notice</source>
        <translation>公示中</translation>
    </message>
    <message>
        <source>Approved</source>
        <translation>已审批</translation>
    </message>
    <message>
        <source>Paid</source>
        <translation>已发放</translation>
    </message>
    <message>
        <source>Removed from the list</source>
        <translation>已移出名单</translation>
    </message>
    <message>
        <source>Visited, to pay</source>
        <translation>已走访，待发放</translation>
    </message>
    <message>
        <source>Approved, to visit</source>
        <translation>已审批，待走访</translation>
    </message>
</context>
<context>
    <name>VisitPayDialog</name>
    <message>
        <source>Pay the cash</source>
        <translation>发放慰问金</translation>
    </message>
    <message>
        <source>Households</source>
        <translation>户数</translation>
    </message>
    <message>
        <source>Cash (yuan)</source>
        <translation>慰问金（元）</translation>
    </message>
    <message>
        <source>the sum is shown on the vouchers</source>
        <translation>合计见发放凭证</translation>
    </message>
    <message>
        <source>Cash against the sign-off sheet</source>
        <translation>现金（凭签领表）</translation>
    </message>
    <message>
        <source>Transfer to the account in the file</source>
        <translation>转账到档案登记的银行账户</translation>
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
        <source>Goods are handed over in kind; each household's cash gets its own voucher.</source>
        <translation>慰问品以实物发放；每户慰问金各开一张发放凭证。</translation>
    </message>
    <message>
        <source>Pay</source>
        <translation>发放</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>VisitsModel</name>
    <message>
        <source>Recipient</source>
        <translation>慰问对象</translation>
    </message>
    <message>
        <source>Group</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>所属单位</translation>
    </message>
    <message>
        <source>Cash (yuan)</source>
        <translation>慰问金（元）</translation>
    </message>
    <message>
        <source>Goods (yuan)</source>
        <translation>慰问品（元）</translation>
    </message>
    <message>
        <source>Total (yuan)</source>
        <translation>合计（元）</translation>
    </message>
    <message>
        <source>Fund source</source>
        <translation>经费来源</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Visiting cadres</source>
        <translation>走访干部</translation>
    </message>
    <message>
        <source>Photo</source>
        <translation>照片</translation>
    </message>
    <message>
        <source>Planned on</source>
        <translation>计划日期</translation>
    </message>
    <message>
        <source>Visit date</source>
        <translation>走访日期</translation>
    </message>
    <message>
        <source>Voucher no.</source>
        <translation>凭证号</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>有</translation>
    </message>
    <message>
        <source>Above the standard ({0} cash + {1} goods, yuan): raised by the approver</source>
        <translation>高于标准（慰问金 {0} + 慰问品 {1} 元）：经审批人调整</translation>
    </message>
    <message>
        <source>File {0}</source>
        <translation>档案 {0}</translation>
    </message>
    <message>
        <source>Reason: {0}</source>
        <translation>理由：{0}</translation>
    </message>
</context>
<context>
    <name>_Form</name>
    <message>
        <source>Failed: {0}</source>
        <translation>操作失败：{0}</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
</context>
</TS>
<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>PdfPreview</name>
    <message>
        <source>◀ Previous</source>
        <translation>◀ 上一页</translation>
    </message>
    <message>
        <source>Previous page (Page Up)</source>
        <translation>上一页（向上翻页键）</translation>
    </message>
    <message>
        <source>Next ▶</source>
        <translation>下一页 ▶</translation>
    </message>
    <message>
        <source>Next page (Page Down)</source>
        <translation>下一页（向下翻页键）</translation>
    </message>
    <message>
        <source>Zoom out</source>
        <translation>缩小</translation>
    </message>
    <message>
        <source>Fit width</source>
        <translation>适合宽度</translation>
    </message>
    <message>
        <source>Whole page</source>
        <translation>整页</translation>
    </message>
    <message>
        <source>Zoom in</source>
        <translation>放大</translation>
    </message>
    <message>
        <source>Print…</source>
        <translation>打印…</translation>
    </message>
    <message>
        <source>Save as PDF…</source>
        <translation>另存为PDF…</translation>
    </message>
    <message>
        <source>Choose what to print on the left, then press Preview.</source>
        <translation>请在左侧选择要打印的内容，然后点“预览”。</translation>
    </message>
    <message>
        <source>Page {0} of {1}</source>
        <translation>第 {0} / {1} 页</translation>
    </message>
</context>
<context>
    <name>PrintingPage</name>
    <message>
        <source>Printing</source>
        <translation>打印</translation>
    </message>
    <message>
        <source>Document</source>
        <translation>打印内容</translation>
    </message>
    <message>
        <source>Payment vouchers</source>
        <translation>发放凭证</translation>
    </message>
    <message>
        <source>Sign-off sheet</source>
        <translation>签领表</translation>
    </message>
    <message>
        <source>Public notice list</source>
        <translation>公示名单</translation>
    </message>
    <message>
        <source>Annual statistics table</source>
        <translation>年度统计表</translation>
    </message>
    <message>
        <source>Hardship file approval form</source>
        <translation>建档申请审批表</translation>
    </message>
    <message>
        <source>Golden Autumn application approval form</source>
        <translation>金秋助学申请审批表</translation>
    </message>
    <message>
        <source>Approved and paid grants, with a line to sign and date for each; the header repeats on every page, with page subtotals.</source>
        <translation>已审批和已发放的事项，每人一行供签名并填写日期；每页重复表头，并有本页小计。</translation>
    </message>
    <message>
        <source>Name, unit, category and amount, the ID number masked; no address, health or bank data.</source>
        <translation>姓名、单位、类别和金额，身份证号部分隐藏；不含住址、健康和银行信息。</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>预览</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Campaign or round</source>
        <translation>活动或批次</translation>
    </message>
    <message>
        <source>All paid vouchers</source>
        <translation>全部已发放的凭证</translation>
    </message>
    <message>
        <source>Only vouchers not printed yet</source>
        <translation>仅未打印过的凭证</translation>
    </message>
    <message>
        <source>Which vouchers</source>
        <translation>打印范围</translation>
    </message>
    <message>
        <source>{0} per A4 sheet</source>
        <translation>每张A4纸{0}联</translation>
    </message>
    <message>
        <source>Per sheet</source>
        <translation>每页张数</translation>
    </message>
    <message>
        <source>With counterfoils (kept by the paying unit; 2 per A4 sheet)</source>
        <translation>带存根联（由发放单位留存；每页2张A4）</translation>
    </message>
    <message>
        <source>A preview records nothing. Once printed or saved, the copies are recorded; a voucher printed before is marked as a reprint (补打).</source>
        <translation>预览不做任何登记。打印或保存后登记打印次数；已打印过的凭证标为“补打”。</translation>
    </message>
    <message>
        <source>New hardship files on notice (instead of a campaign or round)</source>
        <translation>新建困难职工档案公示名单（不按活动或批次）</translation>
    </message>
    <message>
        <source>Payments of school year</source>
        <translation>发放学年</translation>
    </message>
    <message>
        <source>Notice starts on</source>
        <translation>公示开始日期</translation>
    </message>
    <message>
        <source>Year</source>
        <translation>年度</translation>
    </message>
    <message>
        <source>Files by category, Spring Festival visits, Golden Autumn scholarships and payments of the year.</source>
        <translation>按困难类别统计的档案、本年春节送温暖、金秋助学和资金发放情况。</translation>
    </message>
    <message>
        <source>Find</source>
        <translation>查找</translation>
    </message>
    <message>
        <source>File number, name, initials or ID number tail</source>
        <translation>档案编号、姓名、拼音首字母或身份证号后几位</translation>
    </message>
    <message>
        <source>The form carries the full ID and bank account numbers: printing it is written to the audit log.</source>
        <translation>审批表含完整的身份证号和银行卡号，打印将记入操作日志。</translation>
    </message>
    <message>
        <source>Application number, student name or school</source>
        <translation>申请编号、学生姓名或学校</translation>
    </message>
    <message>
        <source>The form carries the full ID numbers: printing it is written to the audit log.</source>
        <translation>审批表含完整的身份证号，打印将记入操作日志。</translation>
    </message>
    <message>
        <source>Spring Festival: {0}</source>
        <translation>春节送温暖：{0}</translation>
    </message>
    <message>
        <source>Golden Autumn: {0}</source>
        <translation>金秋助学：{0}</translation>
    </message>
    <message>
        <source>(no campaign or round yet)</source>
        <translation>（还没有活动或批次）</translation>
    </message>
    <message>
        <source>All payments</source>
        <translation>全部发放</translation>
    </message>
    <message>
        <source>{0}–{1}</source>
        <translation>{0}—{1}学年</translation>
    </message>
    <message>
        <source>… {0} more: type more to narrow the search</source>
        <translation>……另有{0}条，请输入更多内容缩小范围</translation>
    </message>
    <message>
        <source>New files</source>
        <translation>新建档案</translation>
    </message>
    <message>
        <source>Choose a campaign or a round first.</source>
        <translation>请先选择一个活动或批次。</translation>
    </message>
    <message>
        <source>a file</source>
        <translation>档案</translation>
    </message>
    <message>
        <source>an application</source>
        <translation>助学申请</translation>
    </message>
    <message>
        <source>Find {0} and select it in the list first.</source>
        <translation>请先查找{0}，并在列表中选中。</translation>
    </message>
    <message>
        <source>Every voucher of this selection has been printed already. Choose “All paid vouchers” to print reprints.</source>
        <translation>所选范围内的凭证都已打印过。如需补打，请选择“全部已发放的凭证”。</translation>
    </message>
    <message>
        <source>Nothing to print</source>
        <translation>没有可打印的凭证</translation>
    </message>
    <message>
        <source>Preparing the preview…</source>
        <translation>正在生成预览…</translation>
    </message>
    <message>
        <source>{0} vouchers on {1} pages ({2} per sheet): {3} first prints, {4} reprints (补打).</source>
        <translation>凭证{0}张，共{1}页（每页{2}联）：首次打印{3}张，补打{4}张。</translation>
    </message>
    <message>
        <source>{0} more approved grants are not paid yet and have no voucher: {1}</source>
        <translation>另有{0}项已审批但尚未登记发放，还没有凭证：{1}</translation>
    </message>
    <message>
        <source>{0}: {1} pages.</source>
        <translation>{0}：共{1}页。</translation>
    </message>
    <message>
        <source>Printing vouchers records each copy; only a clerk (经办) may print or save them. You can look at the preview.</source>
        <translation>打印发放凭证会登记每一次打印，只有经办人可以打印或保存；您可以查看预览。</translation>
    </message>
    <message>
        <source>These vouchers were recorded as printed. Preview again to print them once more: they will be marked as reprints (补打).</source>
        <translation>这批凭证已登记为已打印。如需再次打印，请重新预览，凭证将标为“补打”。</translation>
    </message>
    <message>
        <source>Print</source>
        <translation>打印</translation>
    </message>
    <message>
        <source>Vouchers are printed one copy at a time: a second copy is a reprint and must say so (补打). Print once, then preview again for another copy.</source>
        <translation>发放凭证每次只打印一份：再打一份即为补打，须标注“补打”。请先打印一份，需要再打时重新预览。</translation>
    </message>
    <message>
        <source>Sent {0} pages to the printer {1} as PDF (job {2}).</source>
        <translation>已将{0}页以PDF交给打印机“{1}”（作业 {2}）。</translation>
    </message>
    <message>
        <source>Sent {0} pages to the printer.</source>
        <translation>已向打印机发送{0}页。</translation>
    </message>
    <message>
        <source>Printing cancelled; the unfinished file {0} was removed.</source>
        <translation>打印已取消，未打印完的文件 {0} 已删除。</translation>
    </message>
    <message>
        <source>Printing cancelled; the unfinished file {0} could not be removed: delete it before using it.</source>
        <translation>打印已取消，未打印完的文件 {0} 无法删除：请先删除它，不要使用。</translation>
    </message>
    <message>
        <source>Printing cancelled.</source>
        <translation>打印已取消。</translation>
    </message>
    <message>
        <source>Printout</source>
        <translation>打印件</translation>
    </message>
    <message>
        <source>Save as PDF</source>
        <translation>另存为PDF</translation>
    </message>
    <message>
        <source>PDF document (*.pdf)</source>
        <translation>PDF文档 (*.pdf)</translation>
    </message>
    <message>
        <source>Saved to {0}</source>
        <translation>已保存到 {0}</translation>
    </message>
    <message>
        <source>Printing “{0}”…</source>
        <translation>正在打印“{0}”…</translation>
    </message>
    <message>
        <source>Printing page {0} of {1}…</source>
        <translation>正在打印第{0}页，共{1}页…</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>正在保存…</translation>
    </message>
    <message>
        <source>Recorded as saved to a PDF file: {0} vouchers (not a paper print: printing this preview on paper later is still the original).</source>
        <translation>已登记另存为PDF：{0}张凭证（不计为纸质打印；之后再将本预览打印到纸上，仍为首次打印）。</translation>
    </message>
    <message>
        <source>Recorded as printed: {0} vouchers, {1} first prints and {2} reprints (补打).</source>
        <translation>已登记打印：凭证{0}张，其中首次打印{1}张，补打{2}张。</translation>
    </message>
    <message>
        <source>Someone else printed some of these vouchers after this preview was made, so the reprint marks on this printout may be wrong and nothing was recorded. Please preview again and print the new preview.</source>
        <translation>生成预览后，其中部分凭证已被他人打印，本次打印件上的补打标记可能有误，未做登记。请重新预览，并打印新的预览。</translation>
    </message>
    <message>
        <source>Preview again</source>
        <translation>请重新预览</translation>
    </message>
    <message>
        <source>Recording the printed vouchers…</source>
        <translation>正在登记凭证打印…</translation>
    </message>
</context>
<context>
    <name>VerifyVoucherDialog</name>
    <message>
        <source>Verify a payment voucher</source>
        <translation>核验发放凭证</translation>
    </message>
    <message>
        <source>Scan the QR code on the voucher with a hand scanner, or paste its text below, then press Verify. The check runs on this computer, without a network.</source>
        <translation>用扫码枪扫描凭证上的二维码，或把二维码内容粘贴到下面，然后点“核验”。核验在本机进行，无需联网。</translation>
    </message>
    <message>
        <source>QR code text (starts with ADV1:)</source>
        <translation>二维码内容（扫码枪扫入或粘贴）</translation>
    </message>
    <message>
        <source>Verify</source>
        <translation>核验</translation>
    </message>
    <message>
        <source>The result appears here.</source>
        <translation>核验结果将显示在这里。</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Signature valid, but it differs from this database</source>
        <translation>签名有效，但与本数据库的记录不一致</translation>
    </message>
    <message>
        <source>Valid voucher</source>
        <translation>凭证有效</translation>
    </message>
    <message>
        <source>Not valid: do not pay or book against this voucher</source>
        <translation>凭证无效：请勿据此付款或入账</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>正在核验…</translation>
    </message>
</context>
</TS>
<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>SyncPage</name>
    <message>
        <source>Pending changes</source>
        <translation>待同步</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>Acknowledgements</source>
        <translation>确认文件</translation>
    </message>
    <message>
        <source>History</source>
        <translation>历史</translation>
    </message>
    <message>
        <source>Units</source>
        <translation>单位</translation>
    </message>
    <message>
        <source>Sync packages (*.sync);;All files (*)</source>
        <translation>同步文件 (*.sync);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Kind of record</source>
        <translation>记录类型</translation>
    </message>
    <message>
        <source>Changed rows</source>
        <translation>变动条数</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Records changed in this unit that the upper unit has not yet confirmed:</source>
        <translation>本单位已变动、上级单位尚未确认收到的记录：</translation>
    </message>
    <message>
        <source>{0} changed rows in all</source>
        <translation>共 {0} 条变动记录</translation>
    </message>
    <message>
        <source>Nothing waits to be sent.</source>
        <translation>没有待同步的记录。</translation>
    </message>
    <message>
        <source>Full snapshot (every record held, not only the changes)</source>
        <translation>完整数据（导出全部记录，而不只是变动部分）</translation>
    </message>
    <message>
        <source>Export package…</source>
        <translation>导出同步文件…</translation>
    </message>
    <message>
        <source>full snapshot ({0})</source>
        <translation>完整数据（{0}）</translation>
    </message>
    <message>
        <source>requested</source>
        <translation>按要求</translation>
    </message>
    <message>
        <source>changes only</source>
        <translation>增量数据</translation>
    </message>
    <message>
        <source>Send to: {0}
Package no. {1}, {2}, {3} records.</source>
        <translation>发往：{0}
第 {1} 号同步文件，{2}，共 {3} 条记录。</translation>
    </message>
    <message>
        <source>Save sync package</source>
        <translation>保存同步文件</translation>
    </message>
    <message>
        <source>Exporting sync package…</source>
        <translation>正在导出同步文件…</translation>
    </message>
    <message>
        <source>Choose package…</source>
        <translation>选择同步文件…</translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>应用</translation>
    </message>
    <message>
        <source>Save acknowledgement…</source>
        <translation>保存确认文件…</translation>
    </message>
    <message>
        <source>Choose sync package</source>
        <translation>选择同步文件</translation>
    </message>
    <message>
        <source>Verifying sync package…</source>
        <translation>正在校验同步文件…</translation>
    </message>
    <message>
        <source>If that union's database really went back to a backup, an administrator or approver can accept the package on this page after checking with that union.</source>
        <translation>如确因对方数据库从备份恢复，经与对方核实后，可由管理员或审批人在本页确认接受。</translation>
    </message>
    <message>
        <source>Importing sync package…</source>
        <translation>正在导入同步文件…</translation>
    </message>
    <message>
        <source>Save acknowledgement</source>
        <translation>保存确认文件</translation>
    </message>
    <message>
        <source>Acknowledgements (*.ack);;All files (*)</source>
        <translation>确认文件 (*.ack);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Cross-unit checks</source>
        <translation>跨单位核查</translation>
    </message>
    <message>
        <source>Key files (*.key *.unitkey);;All files (*)</source>
        <translation>公钥文件 (*.key *.unitkey);;所有文件 (*)</translation>
    </message>
    <message>
        <source>This unit has no upper unit yet: on the Units tab, choose “Set upper unit…” and open the upper unit's public key file.</source>
        <translation>本单位还没有设置上级单位：请在“单位”页点“设置上级单位…”，打开上级单位的公钥文件。</translation>
    </message>
    <message>
        <source>Do not import</source>
        <translation>不导入</translation>
    </message>
    <message>
        <source>Not imported</source>
        <translation>未导入</translation>
    </message>
    <message>
        <source>Audit chain broken</source>
        <translation>审计链断裂</translation>
    </message>
    <message>
        <source>Only if that union's database went back to a backup, and you have checked this with that union: accept the package anyway? The acceptance goes into the audit log.</source>
        <translation>仅当对方数据库确实从备份恢复、且已与对方核实时，才可确认接受。仍然接受此同步文件吗？确认接受将记入审计日志。</translation>
    </message>
    <message>
        <source>Not imported; the database is unchanged.</source>
        <translation>未导入，数据库未改动。</translation>
    </message>
    <message>
        <source>Acknowledgement saved: {0}. Take it back to the unit that sent the package.</source>
        <translation>确认文件已保存：{0}。请将它交回发出同步文件的单位。</translation>
    </message>
    <message>
        <source>Choose acknowledgement…</source>
        <translation>选择确认文件…</translation>
    </message>
    <message>
        <source>Apply acknowledgement</source>
        <translation>导入确认文件</translation>
    </message>
    <message>
        <source>The upper unit sends an acknowledgement once it has imported a package; importing it marks the records sent as synced.</source>
        <translation>上级单位导入同步文件后会发回确认文件；导入确认文件后，已发出的记录即标记为已同步。</translation>
    </message>
    <message>
        <source>Choose acknowledgement</source>
        <translation>选择确认文件</translation>
    </message>
    <message>
        <source>Direction</source>
        <translation>方向</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>单位</translation>
    </message>
    <message>
        <source>No.</source>
        <translation>序号</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Records</source>
        <translation>记录数</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Made</source>
        <translation>制作时间</translation>
    </message>
    <message>
        <source>Acknowledged</source>
        <translation>确认时间</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>By</source>
        <translation>操作人</translation>
    </message>
    <message>
        <source>Full</source>
        <translation>完整</translation>
    </message>
    <message>
        <source>Changes</source>
        <translation>增量</translation>
    </message>
    <message>
        <source>{0} packages</source>
        <translation>共 {0} 个同步文件</translation>
    </message>
    <message>
        <source>Relation</source>
        <translation>关系</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>代码</translation>
    </message>
    <message>
        <source>Last sent</source>
        <translation>最后发出</translation>
    </message>
    <message>
        <source>Last acknowledged</source>
        <translation>最后确认</translation>
    </message>
    <message>
        <source>Last received</source>
        <translation>最后收到</translation>
    </message>
    <message>
        <source>Fingerprint</source>
        <translation>指纹</translation>
    </message>
    <message>
        <source>Export this unit's public key…</source>
        <translation>导出本单位公钥…</translation>
    </message>
    <message>
        <source>Enrol lower unit…</source>
        <translation>登记下级单位…</translation>
    </message>
    <message>
        <source>Set upper unit…</source>
        <translation>设置上级单位…</translation>
    </message>
    <message>
        <source>Save this unit's public key</source>
        <translation>保存本单位公钥</translation>
    </message>
    <message>
        <source>This is this unit's own public key file; open the file the other unit exported.</source>
        <translation>这是本单位自己的公钥文件，请使用对方单位导出的文件。</translation>
    </message>
    <message>
        <source>Finding</source>
        <translation>核查结果</translation>
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
        <source>Year</source>
        <translation>年度</translation>
    </message>
    <message>
        <source>Units and records</source>
        <translation>涉及的单位和档案</translation>
    </message>
    <message>
        <source>What the records of two lower units say of the same person; check with the units concerned:</source>
        <translation>两个下级单位的记录涉及同一人的情况，请与有关单位核实：</translation>
    </message>
    <message>
        <source>{0} findings to check</source>
        <translation>共 {0} 处需要核实</translation>
    </message>
    <message>
        <source>No records of two units concern the same person.</source>
        <translation>未发现两个单位的记录涉及同一人。</translation>
    </message>
    <message>
        <source>Public key saved: {0}
Fingerprint: {1} (read it to the other unit by telephone so that they can check it).</source>
        <translation>公钥已保存：{0}
指纹：{1}（请通过电话向对方单位念出指纹，供其核对）。</translation>
    </message>
    <message>
        <source>Enrol this unit as a lower unit?</source>
        <translation>登记此单位为下级单位？</translation>
    </message>
    <message>
        <source>Set this unit as the upper unit?</source>
        <translation>设置此单位为上级单位？</translation>
    </message>
    <message>
        <source>Compare the fingerprint with the one the unit read to you by telephone.</source>
        <translation>请将指纹与对方单位电话告知的指纹逐字核对。</translation>
    </message>
    <message>
        <source>Check the fingerprint</source>
        <translation>核对指纹</translation>
    </message>
    <message>
        <source>Choose the unit's public key file</source>
        <translation>选择对方单位的公钥文件</translation>
    </message>
</context>
</TS>
<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>StandardsDialog</name>
    <message>
        <source>Aid standards: {0}</source>
        <translation>救助标准：{0}</translation>
    </message>
    <message>
        <source>{0} standards</source>
        <translation>{0}救助标准</translation>
    </message>
    <message>
        <source>Year</source>
        <translation>年度</translation>
    </message>
    <message>
        <source>Reload</source>
        <translation>重新载入</translation>
    </message>
    <message>
        <source>Import from the policy file</source>
        <translation>从政策文件导入</translation>
    </message>
    <message>
        <source>Copies the year's figures of the policy file into this unit's settings; lines this unit has already set are kept.</source>
        <translation>把该年度政策文件中的标准复制为本单位设定；本单位已设定的行保持不变。</translation>
    </message>
    <message>
        <source>Copy the previous year's…</source>
        <translation>复制上一年度…</translation>
    </message>
    <message>
        <source>Copies the table of the nearest earlier year into this year; lines this year already has are kept.</source>
        <translation>把最近一个有标准的年度复制到本年度；本年度已有的项目保持不变。</translation>
    </message>
    <message>
        <source>Only the administrator can change the standards; they are shown here for reference.</source>
        <translation>只有管理员可以修改救助标准，此处仅供查看。</translation>
    </message>
    <message>
        <source>Amounts in yuan per student; 0 means the level is not funded for that kind of household. How a level is paid applies to both of its lines.</source>
        <translation>金额单位：元/人；金额为 0 表示该学段不资助此类家庭。发放方式按学段设定，建档与未建档两行相同。</translation>
    </message>
    <message>
        <source>Amounts in yuan per household: the cash, and the goods at their value.</source>
        <translation>金额单位：元/户，包括慰问金和按折价计算的慰问品。</translation>
    </message>
    <message>
        <source>Reason for the change</source>
        <translation>修改理由</translation>
    </message>
    <message>
        <source>Required, e.g. the number of the document that sets the standards</source>
        <translation>必填，如核定标准的文件文号</translation>
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
        <source>Level</source>
        <translation>学段</translation>
    </message>
    <message>
        <source>Household</source>
        <translation>户别</translation>
    </message>
    <message>
        <source>Amount (yuan)</source>
        <translation>助学金额（元）</translation>
    </message>
    <message>
        <source>How it is paid</source>
        <translation>发放方式</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Group</source>
        <translation>慰问对象</translation>
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
        <source>Unsaved changes</source>
        <translation>修改未保存</translation>
    </message>
    <message>
        <source>The changes made in the table have not been saved. Discard them?</source>
        <translation>表中的修改尚未保存，要放弃这些修改吗？</translation>
    </message>
    <message>
        <source>No standards for {0} yet.</source>
        <translation>{0}年还没有救助标准。</translation>
    </message>
    <message>
        <source>Filed</source>
        <translation>建档</translation>
    </message>
    <message>
        <source>Unfiled</source>
        <translation>未建档</translation>
    </message>
    <message>
        <source>{0}: enter the amount (0 if not funded)</source>
        <translation>{0}：请填写金额（不资助的填 0）</translation>
    </message>
    <message>
        <source>{0}: enter the cash as well</source>
        <translation>{0}：请同时填写慰问金</translation>
    </message>
    <message>
        <source>Changed, not saved</source>
        <translation>已修改，未保存</translation>
    </message>
    <message>
        <source>Set by this unit</source>
        <translation>本单位设定</translation>
    </message>
    <message>
        <source>Policy file</source>
        <translation>政策文件</translation>
    </message>
    <message>
        <source>Not set</source>
        <translation>未设定</translation>
    </message>
    <message>
        <source>{0} lines changed, not saved</source>
        <translation>已修改 {0} 行，尚未保存</translation>
    </message>
    <message>
        <source>Correct the lines marked in red first; nothing was saved.</source>
        <translation>请先改正标红的行；本次未保存任何内容。</translation>
    </message>
    <message>
        <source>Nothing has been changed.</source>
        <translation>没有修改任何内容。</translation>
    </message>
    <message>
        <source>Enter the reason for the change (e.g. the document number) before saving.</source>
        <translation>保存前请填写修改理由（如依据的文件文号）。</translation>
    </message>
    <message>
        <source>Saved: {0} lines changed.</source>
        <translation>已保存，共修改 {0} 行。</translation>
    </message>
    <message>
        <source>Saving the standards…</source>
        <translation>正在保存救助标准…</translation>
    </message>
    <message>
        <source>{0} lines imported from the policy file.</source>
        <translation>已从政策文件导入 {0} 行。</translation>
    </message>
    <message>
        <source>Every line of the policy file is already set by this unit.</source>
        <translation>政策文件中的各行均已有本单位设定，无需导入。</translation>
    </message>
    <message>
        <source>Importing from the policy file…</source>
        <translation>正在从政策文件导入…</translation>
    </message>
    <message>
        <source>No earlier year has standards to copy.</source>
        <translation>没有可复制的以前年度标准。</translation>
    </message>
    <message>
        <source>Copy the previous year's</source>
        <translation>复制上一年度</translation>
    </message>
    <message>
        <source>Copy the {0} standards to {1}? Lines {1} already has are kept.</source>
        <translation>将{0}年的标准复制到{1}年？{1}年已有的项目保持不变。</translation>
    </message>
    <message>
        <source>{0} lines copied from {1}.</source>
        <translation>已从{1}年复制{0}项标准。</translation>
    </message>
    <message>
        <source>Every line of {0} is already set for this year.</source>
        <translation>{0}年的各项标准本年度均已设置。</translation>
    </message>
    <message>
        <source>Copying the standards…</source>
        <translation>正在复制标准…</translation>
    </message>
    <message>
        <source>The operation failed unexpectedly; nothing was saved. ({0})</source>
        <translation>操作意外失败，未保存任何内容。（{0}）</translation>
    </message>
    <message>
        <source>Nothing was saved.</source>
        <translation>未保存任何内容。</translation>
    </message>
</context>
</TS>
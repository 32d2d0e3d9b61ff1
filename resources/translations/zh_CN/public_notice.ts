<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>NoticeSettingsTab</name>
    <message>
        <source>Monday</source>
        <translation>星期一</translation>
    </message>
    <message>
        <source>Tuesday</source>
        <translation>星期二</translation>
    </message>
    <message>
        <source>Wednesday</source>
        <translation>星期三</translation>
    </message>
    <message>
        <source>Thursday</source>
        <translation>星期四</translation>
    </message>
    <message>
        <source>Friday</source>
        <translation>星期五</translation>
    </message>
    <message>
        <source>Saturday</source>
        <translation>星期六</translation>
    </message>
    <message>
        <source>Sunday</source>
        <translation>星期日</translation>
    </message>
    <message>
        <source>Public notice</source>
        <translation>公示</translation>
    </message>
    <message>
        <source> working days</source>
        <translation> 个工作日</translation>
    </message>
    <message>
        <source>Notice period</source>
        <translation>公示期</translation>
    </message>
    <message>
        <source>Who answers questions about a notice</source>
        <translation>负责解答公示疑问的人员</translation>
    </message>
    <message>
        <source>Contact person</source>
        <translation>联系人</translation>
    </message>
    <message>
        <source>Supervision phone</source>
        <translation>监督电话</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Approval waits until a notice has run this many official working days (public holidays are skipped, make-up working days count); every printed notice names the contact person and the supervision phone.</source>
        <translation>公示须满上述工作日数（按国家法定节假日安排：节假日不计，调休上班日计入）方可审批；打印的公示名单均写明联系人和监督电话。</translation>
    </message>
    <message>
        <source>Official holiday arrangement</source>
        <translation>法定节假日安排</translation>
    </message>
    <message>
        <source>Year</source>
        <translation>年份</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Weekday</source>
        <translation>星期</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Holiday</source>
        <translation>节日</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>e.g. Spring Festival</source>
        <translation>如：春节</translation>
    </message>
    <message>
        <source>Add days off</source>
        <translation>添加放假日</translation>
    </message>
    <message>
        <source>to</source>
        <translation>至</translation>
    </message>
    <message>
        <source>Days off</source>
        <translation>放假</translation>
    </message>
    <message>
        <source>the holiday it makes up for</source>
        <translation>所调休的节日</translation>
    </message>
    <message>
        <source>Add make-up working day</source>
        <translation>添加调休上班日</translation>
    </message>
    <message>
        <source>Remove selected</source>
        <translation>删除所选</translation>
    </message>
    <message>
        <source>Make-up working day</source>
        <translation>调休上班</translation>
    </message>
    <message>
        <source>Enter a new year's arrangement as the State Council's notice on public holidays gives it: each holiday's days off (weekends inside included) and the Saturdays or Sundays worked instead. Entered days take precedence over the built-in ones.</source>
        <translation>新一年的安排请按国务院办公厅关于部分节假日安排的通知录入：各节日的放假日期（含其中的周末）及调休上班的周六、周日。录入的日期优先于程序内置的安排。</translation>
    </message>
    <message>
        <source>Only an administrator changes these settings.</source>
        <translation>只有管理员可以修改这些设置。</translation>
    </message>
    <message>
        <source>Public notice and holidays</source>
        <translation>公示与节假日</translation>
    </message>
    <message>
        <source>{0}: not entered yet. A notice period running into {0} cannot be counted until its arrangement is entered.</source>
        <translation>{0}年：尚未录入。公示期跨入{0}年的，须录入该年安排后才能计算。</translation>
    </message>
    <message>
        <source>{0}: built into the program (State Council notice).</source>
        <translation>{0}年：程序内置（国务院办公厅通知）。</translation>
    </message>
    <message>
        <source>{0}: {1} days off and {2} make-up working days entered by the administrator.</source>
        <translation>{0}年：管理员已录入放假{1}天、调休上班{2}天。</translation>
    </message>
    <message>
        <source> They take precedence over the built-in arrangement.</source>
        <translation>录入的日期优先于程序内置的安排。</translation>
    </message>
    <message>
        <source>Day off</source>
        <translation>放假</translation>
    </message>
    <message>
        <source>Entered</source>
        <translation>管理员录入</translation>
    </message>
    <message>
        <source>Built in</source>
        <translation>程序内置</translation>
    </message>
    <message>
        <source>Saved: notices run {0} working days.</source>
        <translation>已保存：公示期为{0}个工作日。</translation>
    </message>
    <message>
        <source>{0} days off entered.</source>
        <translation>已录入{0}天放假日。</translation>
    </message>
    <message>
        <source>Make-up working day entered.</source>
        <translation>已录入调休上班日。</translation>
    </message>
    <message>
        <source>{0} entered days removed.</source>
        <translation>已删除{0}个录入的日期。</translation>
    </message>
</context>
</TS>
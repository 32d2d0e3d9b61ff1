<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>App</name>
    <message>
        <source>Not done</source>
        <translation>未完成</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>An unexpected error occurred. Your saved data is safe.

{0}</source>
        <translation>程序发生意外错误，已保存的数据不受影响。

{0}</translation>
    </message>
    <message>
        <source>Already open</source>
        <translation>数据库已打开</translation>
    </message>
    <message>
        <source>Cannot open the database</source>
        <translation>无法打开数据库</translation>
    </message>
</context>
<context>
    <name>Background</name>
    <message>
        <source>Not done</source>
        <translation>未完成</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>The operation failed unexpectedly. Nothing was saved.

{0}</source>
        <translation>操作意外失败，未保存任何内容。

{0}</translation>
    </message>
    <message>
        <source>Working…</source>
        <translation>正在处理…</translation>
    </message>
</context>
<context>
    <name>Instance</name>
    <message>
        <source>on computer “{0}”, process {1}</source>
        <translation>（计算机“{0}”，进程号 {1}）</translation>
    </message>
    <message>
        <source>in another window</source>
        <translation>（另一个窗口）</translation>
    </message>
    <message>
        <source>The database {0} is already open {1}. One database can be used in one window at a time: switch to that window, or close it first.</source>
        <translation>数据库 {0} 已在别处打开{1}。同一数据库同一时间只能在一个窗口中使用：请切换到那个窗口，或先将其关闭。</translation>
    </message>
</context>
<context>
    <name>Op</name>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
</context>
<context>
    <name>Permissions</name>
    <message>
        <source>Only a user with the role {0} can do this.</source>
        <translation>只有{0}角色的用户才能执行此操作。</translation>
    </message>
</context>
</TS>
<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<!-- Qt's own dialogs (file, print, page setup): the strings Qt 6's qtbase_zh_CN.qm lacks. Installed before qtbase_zh_CN, so Qt's own translation wins wherever it has one (ui/i18n.py). Edited by hand: no source file of this program holds these strings. -->
<TS version="2.1" language="zh_CN">
    <context>
        <name>QFileDialog</name>
        <message>
            <source>&amp;Look in:</source>
            <translation>查找范围(&amp;L)：</translation>
        </message>
        <message>
            <source>Files of &amp;type:</source>
            <translation>文件类型(&amp;T)：</translation>
        </message>
    </context>
    <context>
        <name>QAbstractFileIconProvider</name>
        <message>
            <source>Drive</source>
            <translation>驱动器</translation>
        </message>
        <message>
            <source>Folder</source>
            <translation>文件夹</translation>
        </message>
        <message>
            <source>File</source>
            <translation>文件</translation>
        </message>
        <message>
            <source>Unknown</source>
            <translation>未知</translation>
        </message>
        <message>
            <source>Alias</source>
            <translation>别名</translation>
        </message>
        <message>
            <source>Shortcut</source>
            <translation>快捷方式</translation>
        </message>
        <message>
            <source>File Folder</source>
            <translation>文件夹</translation>
        </message>
    </context>
    <context>
        <name>QPrintSettingsOutput</name>
        <message>
            <source>Page &amp;Set:</source>
            <translation>打印页面(&amp;S)：</translation>
        </message>
        <message>
            <source>Duplex Printing</source>
            <translation>双面打印</translation>
        </message>
        <message>
            <source>None</source>
            <translation>无</translation>
        </message>
        <message>
            <source>Long side</source>
            <translation>长边翻转</translation>
        </message>
        <message>
            <source>Short side</source>
            <translation>短边翻转</translation>
        </message>
        <message>
            <source>All Pages</source>
            <translation>所有页面</translation>
        </message>
        <message>
            <source>Odd Pages</source>
            <translation>奇数页</translation>
        </message>
        <message>
            <source>Even Pages</source>
            <translation>偶数页</translation>
        </message>
        <message>
            <source>Print &amp;range</source>
            <translation>打印范围(&amp;R)</translation>
        </message>
    </context>
    <context>
        <name>QPrintDialog</name>
        <message>
            <source>Print current page</source>
            <translation>打印当前页</translation>
        </message>
        <message>
            <source>Print selection</source>
            <translation>打印所选内容</translation>
        </message>
        <message>
            <source>Print range</source>
            <translation>打印范围</translation>
        </message>
        <message>
            <source>Properties</source>
            <translation>属性</translation>
        </message>
        <message>
            <source>Conflicts</source>
            <translation>冲突</translation>
        </message>
        <message>
            <source>Print all</source>
            <translation>全部打印</translation>
        </message>
        <message>
            <source>Automatic</source>
            <translation>自动</translation>
        </message>
        <message>
            <source>%1 is not a valid page range, please check your input.</source>
            <translation>%1 不是有效的页码范围，请检查输入。</translation>
        </message>
        <message>
            <source>%1 is not a valid page number, please check your input.</source>
            <translation>%1 不是有效的页码，请检查输入。</translation>
        </message>
        <message>
            <source>1 (1x1)</source>
            <translation>1（1×1）</translation>
        </message>
        <message>
            <source>2 (2x1)</source>
            <translation>2（2×1）</translation>
        </message>
        <message>
            <source>4 (2x2)</source>
            <translation>4（2×2）</translation>
        </message>
        <message>
            <source>6 (2x3)</source>
            <translation>6（2×3）</translation>
        </message>
        <message>
            <source>9 (3x3)</source>
            <translation>9（3×3）</translation>
        </message>
        <message>
            <source>16 (4x4)</source>
            <translation>16（4×4）</translation>
        </message>
    </context>
    <context>
        <name>QUnixPrintWidget</name>
        <message>
            <source>Printer</source>
            <translation>打印机</translation>
        </message>
        <message>
            <source>&amp;Name:</source>
            <translation>名称(&amp;N)：</translation>
        </message>
        <message>
            <source>P&amp;roperties</source>
            <translation>属性(&amp;R)</translation>
        </message>
        <message>
            <source>Location:</source>
            <translation>位置：</translation>
        </message>
        <message>
            <source>Preview</source>
            <translation>预览</translation>
        </message>
        <message>
            <source>Type:</source>
            <translation>类型：</translation>
        </message>
        <message>
            <source>Output &amp;file:</source>
            <translation>输出文件(&amp;F)：</translation>
        </message>
    </context>
    <context>
        <name>QPPDOptionsModel</name>
        <message>
            <source>Name</source>
            <translation>名称</translation>
        </message>
        <message>
            <source>Value</source>
            <translation>值</translation>
        </message>
    </context>
    <context>
        <name>QPageSetupWidget</name>
        <message>
            <source>Page &amp;order:</source>
            <translation>页面顺序(&amp;O)：</translation>
        </message>
        <message>
            <source>Pages &amp;per sheet:</source>
            <translation>每张纸的页数(&amp;P)：</translation>
        </message>
        <message>
            <source>mm</source>
            <translation>毫米</translation>
        </message>
        <message>
            <source>pt</source>
            <translation>点</translation>
        </message>
        <message>
            <source>in</source>
            <translation>英寸</translation>
        </message>
        <message>
            <source>P&amp;age size:</source>
            <translation>纸张大小(&amp;A)：</translation>
        </message>
        <message>
            <source>&amp;Width:</source>
            <translation>宽度(&amp;W)：</translation>
        </message>
        <message>
            <source>&amp;Height:</source>
            <translation>高度(&amp;H)：</translation>
        </message>
        <message>
            <source>Paper so&amp;urce:</source>
            <translation>纸张来源(&amp;U)：</translation>
        </message>
        <message>
            <source>&amp;Landscape</source>
            <translation>横向(&amp;L)</translation>
        </message>
        <message>
            <source>&amp;Portrait</source>
            <translation>纵向(&amp;P)</translation>
        </message>
        <message>
            <source>Re&amp;verse landscape</source>
            <translation>反向横向(&amp;V)</translation>
        </message>
        <message>
            <source>Reverse po&amp;rtrait</source>
            <translation>反向纵向(&amp;R)</translation>
        </message>
    </context>
</TS>
<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AmountEntry</name>
    <message>
        <source>The amount already has a decimal point.</source>
        <translation>金额已经有小数点了。</translation>
    </message>
    <message>
        <source>Only digits and a decimal point can be typed here.</source>
        <translation>这里只能输入数字和小数点。</translation>
    </message>
    <message>
        <source>Amounts have at most two decimals.</source>
        <translation>金额最多两位小数。</translation>
    </message>
    <message>
        <source>The amount cannot be above %1.</source>
        <translation>金额不能超过 %1。</translation>
    </message>
    <message>
        <source>Enter an amount, for example 12.34.</source>
        <translation>请输入金额，例如 12.34。</translation>
    </message>
    <message>
        <source>The amount is zero; enter an amount above 0.00.</source>
        <translation>金额为零，请输入大于 0.00 的金额。</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <source>Tip</source>
        <translation>小费</translation>
    </message>
    <message>
        <source>Total %1</source>
        <translation>合计 %1</translation>
    </message>
</context>
<context>
    <name>BannerArea</name>
    <message>
        <source>%1 late payments: paid after nobody was waiting. Open History to keep or refund them.</source>
        <translation>%1 笔延迟付款：在无人等待时才支付成功。请打开历史记录保留或退款。</translation>
    </message>
    <message>
        <source>%1 cancelled sales: not charged — still being checked.</source>
        <translation>%1 笔已取消的交易：未扣款——仍在核实中。</translation>
    </message>
</context>
<context>
    <name>CustomerDisplay</name>
    <message>
        <source>Customer display</source>
        <translation>顾客显示屏</translation>
    </message>
    <message>
        <source>≈ CNY %1</source>
        <translation>≈ 人民币 %1</translation>
    </message>
    <message>
        <source>Welcome</source>
        <translation>欢迎光临</translation>
    </message>
    <message>
        <source>Amount to pay</source>
        <translation>应付金额</translation>
    </message>
    <message>
        <source>Scan with %1 to pay</source>
        <translation>请用%1扫码支付</translation>
    </message>
    <message>
        <source>Paid — thank you!</source>
        <translation>支付成功，谢谢！</translation>
    </message>
    <message>
        <source>Payment not completed</source>
        <translation>支付未完成</translation>
    </message>
</context>
<context>
    <name>FirstRunDialog</name>
    <message>
        <source>Set up the cashier terminal</source>
        <extracomment>Wide enough for the merchant page&apos;s notes to wrap into a few lines (pixels).</extracomment>
        <translation>设置收银台</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>上一步</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>下一步</translation>
    </message>
    <message>
        <source>Save and start</source>
        <translation>保存并开始</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>There are no settings yet. Try the terminal with a built-in payment simulator, or set it up for your merchant account.</source>
        <translation>还没有任何设置。可以先用内置的支付模拟器试用收银台，或者为您的商户账号进行设置。</translation>
    </message>
    <message>
        <source>Try demo mode</source>
        <translation>试用演示模式</translation>
    </message>
    <message>
        <source>Set up a real merchant</source>
        <translation>设置真实商户</translation>
    </message>
    <message>
        <source>Merchant id</source>
        <translation>商户号</translation>
    </message>
    <message>
        <source>Operator id</source>
        <translation>操作员编号</translation>
    </message>
    <message>
        <source>Sign key</source>
        <translation>签名密钥</translation>
    </message>
    <message>
        <source>Keep the sign key in the OS keyring</source>
        <translation>将签名密钥保存在系统密钥环中</translation>
    </message>
    <message>
        <source>Looking for the OS keyring…</source>
        <translation>正在查找系统密钥环…</translation>
    </message>
    <message>
        <source>Shop name</source>
        <translation>店铺名称</translation>
    </message>
    <message>
        <source>Shop address</source>
        <translation>店铺地址</translation>
    </message>
    <message>
        <source>Manager&apos;s name</source>
        <translation>经理姓名</translation>
    </message>
    <message>
        <source>Manager&apos;s PIN (4-8 digits)</source>
        <translation>经理 PIN（4-8 位数字）</translation>
    </message>
    <message>
        <source>PIN again</source>
        <translation>再次输入 PIN</translation>
    </message>
    <message>
        <source>None</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Keyboard wedge</source>
        <translation>键盘模式扫码枪</translation>
    </message>
    <message>
        <source>Scanner</source>
        <translation>扫码枪</translation>
    </message>
    <message>
        <source>Test scan</source>
        <translation>测试扫码</translation>
    </message>
    <message>
        <source>Keyboard wedge: scan into this field</source>
        <translation>键盘模式：请扫码到此输入框</translation>
    </message>
    <message>
        <source>Network</source>
        <translation>网络</translation>
    </message>
    <message>
        <source>USB</source>
        <translation>USB</translation>
    </message>
    <message>
        <source>Serial</source>
        <translation>串口</translation>
    </message>
    <message>
        <source>Device file</source>
        <translation>设备文件</translation>
    </message>
    <message>
        <source>Windows printer</source>
        <translation>Windows 打印机</translation>
    </message>
    <message>
        <source>Printer</source>
        <translation>打印机</translation>
    </message>
    <message>
        <source>Printer address</source>
        <translation>打印机地址</translation>
    </message>
    <message>
        <source>%1 mm</source>
        <translation>%1 毫米</translation>
    </message>
    <message>
        <source>Paper width</source>
        <translation>纸宽</translation>
    </message>
    <message>
        <source>Encoding</source>
        <translation>编码</translation>
    </message>
    <message>
        <source>Test print</source>
        <translation>打印测试页</translation>
    </message>
    <message>
        <source>Several counters: fill this in only when the shop&apos;s lanes share a store database. Leave it empty for a terminal on its own.</source>
        <translation>多个收银台：仅当店内各收银台共用一个门店数据库时才需填写。单独使用的收银台请留空。</translation>
    </message>
    <message>
        <source>Otherwise the key is kept in the settings file, readable only by you.</source>
        <translation>否则密钥保存在设置文件中，只有您可以读取。</translation>
    </message>
    <message>
        <source>No OS keyring is available on this computer (%1); the sign key will be kept in the settings file, readable only by you.</source>
        <translation>此电脑上没有可用的系统密钥环（%1）；签名密钥将保存在设置文件中，只有您可以读取。</translation>
    </message>
    <message>
        <source>Enter the merchant id from OTT Pay (two letters and eight digits).</source>
        <translation>请输入 OTT Pay 提供的商户号（两个字母加八位数字）。</translation>
    </message>
    <message>
        <source>Enter the operator id from OTT Pay (ten digits).</source>
        <translation>请输入 OTT Pay 提供的操作员号（十位数字）。</translation>
    </message>
    <message>
        <source>Enter the sign key from OTT Pay (16 characters, 0-9 and A-F).</source>
        <translation>请输入 OTT Pay 提供的签名密钥（16 个字符，0-9 和 A-F）。</translation>
    </message>
    <message>
        <source>Enter the merchant id, operator id and sign key from OTT Pay (or go back and choose demo mode).</source>
        <translation>请输入 OTT Pay 提供的商户号、操作员号和签名密钥（或返回选择演示模式）。</translation>
    </message>
    <message>
        <source>Store database address</source>
        <translation>门店数据库地址</translation>
    </message>
    <message>
        <source>This lane&apos;s terminal id</source>
        <translation>本收银台编号</translation>
    </message>
    <message>
        <source>Enter the manager&apos;s name (the manager changes settings and adds cashiers).</source>
        <translation>请输入经理姓名（经理负责修改设置和添加收银员）。</translation>
    </message>
    <message>
        <source>The manager&apos;s PIN must be 4 to 8 digits.</source>
        <translation>经理 PIN 必须是 4 到 8 位数字。</translation>
    </message>
    <message>
        <source>The two PINs differ.</source>
        <translation>两次输入的 PIN 不一致。</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>正在保存…</translation>
    </message>
    <message>
        <source>The store database&apos;s password could not be put in the OS keyring (%1); nothing was saved. Untick its keyring box to keep it in the settings file.</source>
        <translation>门店数据库密码无法存入系统密钥环（%1），未保存任何内容。取消勾选其密钥环选项即可将其保存在设置文件中。</translation>
    </message>
    <message>
        <source>The sign key could not be put in the OS keyring (%1); nothing was saved. Untick the keyring box to keep it in the settings file.</source>
        <translation>签名密钥无法存入系统密钥环（%1），未保存任何内容。取消勾选密钥环选项即可将其保存在设置文件中。</translation>
    </message>
    <message>
        <source>The settings could not be written to %1 (%2).</source>
        <translation>无法将设置写入 %1（%2）。</translation>
    </message>
    <message>
        <source>Scan a payment code into the field now.</source>
        <translation>请现在将付款码扫到输入框中。</translation>
    </message>
    <message>
        <source>Choose a scanner first.</source>
        <translation>请先选择扫码枪。</translation>
    </message>
    <message>
        <source>Scan a payment code now (%1 seconds)…</source>
        <translation>请现在扫描付款码（%1 秒）…</translation>
    </message>
    <message>
        <source>No scan arrived. Check the scanner&apos;s cable and that it sends a carriage return after each code.</source>
        <translation>没有收到扫码。请检查扫码枪的连接线，以及它是否在每个码后发送回车。</translation>
    </message>
    <message>
        <source>The scanner works, but %1 is not a payment code (%2).</source>
        <translation>扫码枪工作正常，但 %1 不是付款码（%2）。</translation>
    </message>
    <message>
        <source>The scanner works: %1 code %2</source>
        <translation>扫码枪工作正常：%1 付款码 %2</translation>
    </message>
    <message>
        <source>There is no scanner at %1.</source>
        <translation>%1 处没有扫码枪。</translation>
    </message>
    <message>
        <source>The scanner port %1 cannot be opened (%2).</source>
        <translation>无法打开扫码枪端口 %1（%2）。</translation>
    </message>
    <message>
        <source>Choose a printer first.</source>
        <translation>请先选择打印机。</translation>
    </message>
    <message>
        <source>Printing…</source>
        <translation>正在打印…</translation>
    </message>
    <message>
        <source>The test page was printed.</source>
        <translation>测试页已打印。</translation>
    </message>
</context>
<context>
    <name>HistoryDialog</name>
    <message>
        <source>History</source>
        <translation>历史记录</translation>
    </message>
    <message>
        <source>This lane</source>
        <translation>本收银台</translation>
    </message>
    <message>
        <source>All lanes</source>
        <translation>所有收银台</translation>
    </message>
    <message>
        <source>Unresolved late payments only</source>
        <translation>仅未处理的延迟付款</translation>
    </message>
    <message>
        <source>Order id, amount (12.34) or last 4 digits of the code</source>
        <translation>订单号、金额（12.34）或付款码后4位</translation>
    </message>
    <message>
        <source>Today only</source>
        <translation>仅今天</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>搜索</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Order</source>
        <translation>订单</translation>
    </message>
    <message>
        <source>Wallet</source>
        <translation>钱包</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <source>Tip</source>
        <translation>小费</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>付款码</translation>
    </message>
    <message>
        <source>Lane</source>
        <translation>收银台</translation>
    </message>
    <message>
        <source>Reprint</source>
        <translation>重打小票</translation>
    </message>
    <message>
        <source>Refund…</source>
        <translation>退款…</translation>
    </message>
    <message>
        <source>Keep late payment</source>
        <translation>保留延迟付款</translation>
    </message>
    <message>
        <source>Refund late payment</source>
        <translation>退还延迟付款</translation>
    </message>
    <message>
        <source>Release refund…</source>
        <translation>放行退款…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>The store database cannot be reached, so only this lane&apos;s sales are shown.</source>
        <translation>无法连接门店数据库，因此只显示本收银台的交易。</translation>
    </message>
    <message>
        <source>The store database cannot be reached, so only sales made at this lane can be refunded now.</source>
        <translation>无法连接门店数据库，因此现在只能为本收银台的交易退款。</translation>
    </message>
    <message>
        <source>Business day %1 only</source>
        <translation>仅营业日 %1</translation>
    </message>
    <message>
        <source>The store database refused this lane&apos;s user name, password or database name, so only this lane&apos;s sales are shown; fix them in Settings.</source>
        <translation>门店数据库拒绝了本收银台的用户名、密码或数据库名，因此只显示本收银台的交易；请在设置中更正。</translation>
    </message>
    <message>
        <source>%1 sale(s)</source>
        <translation>%1 笔交易</translation>
    </message>
    <message>
        <source>Sale %1 of %2: order %3, %4</source>
        <translation>第 %1 笔，共 %2 笔：订单 %3，%4</translation>
    </message>
    <message>
        <source>Sold at lane %1</source>
        <translation>在收银台 %1 售出</translation>
    </message>
    <message>
        <source>Order %1 · %2 · %3</source>
        <translation>订单 %1 · %2 · %3</translation>
    </message>
    <message>
        <source>Amount %1 + tip %2 = %3</source>
        <translation>金额 %1 + 小费 %2 = %3</translation>
    </message>
    <message>
        <source>Gateway order %1 · operator %2</source>
        <translation>网关订单 %1 · 操作员 %2</translation>
    </message>
    <message>
        <source>Refund %1: %2 (%3)</source>
        <translation>退款 %1：%2（%3）</translation>
    </message>
    <message>
        <source>Refundable: %1</source>
        <translation>可退金额：%1</translation>
    </message>
    <message>
        <source>Receipt for %1 sent to the printer.</source>
        <translation>订单 %1 的小票已发送到打印机。</translation>
    </message>
    <message>
        <source>Refunding…</source>
        <translation>正在退款…</translation>
    </message>
    <message>
        <source>The store database is being upgraded, so only sales made at this lane can be refunded now; try again in a few minutes.</source>
        <translation>门店数据库正在升级，因此现在只能为本收银台的交易退款；请几分钟后再试。</translation>
    </message>
    <message>
        <source>Another lane is refunding sale %1 right now; try again in a moment.</source>
        <translation>另一台收银台正在为交易 %1 退款；请稍后再试。</translation>
    </message>
    <message>
        <source>Sale %1 has nothing left to refund.</source>
        <translation>交易 %1 已无可退金额。</translation>
    </message>
    <message>
        <source>Cannot refund %1: only %2 of sale %3 remains refundable.</source>
        <translation>无法退款 %1：交易 %3 仅剩 %2 可退。</translation>
    </message>
    <message>
        <source>Order id %1 was used by more than one lane; refund it at the lane that made the sale.</source>
        <translation>订单号 %1 被多台收银台使用；请在发起该交易的收银台退款。</translation>
    </message>
    <message>
        <source>Sale %1 is %2; only paid sales can be refunded.</source>
        <translation>交易 %1 的状态为“%2”；只有已支付的交易才能退款。</translation>
    </message>
    <message>
        <source>No sale with order id %1 at this lane or in the store database; a lane&apos;s newest sales appear there once it has shipped them.</source>
        <translation>本收银台和门店数据库中都没有订单号为 %1 的交易；收银台的最新交易上传后才会出现在门店数据库中。</translation>
    </message>
    <message>
        <source>Sale %1 was made at %2 under another OTT Pay merchant, so only a lane of that merchant can refund it.</source>
        <translation>交易 %1 由 %2 以另一个 OTT Pay 商户号收款，只能由该商户的收银台退款。</translation>
    </message>
    <message>
        <source> %1 of it is held by a refund at %2 (being sent, or done and not yet shipped to the store).</source>
        <translation>其中 %1 被 %2 的一笔退款占用（正在发送，或已完成但尚未同步到门店）。</translation>
    </message>
    <message>
        <source>The refund of %1 was not sent, so nothing was refunded: the gateway&apos;s TLS certificate could not be verified; trust the certificate authority that signed it with [ottpay] ca_bundle.</source>
        <translation>%1 的退款未发送，未退款：无法验证支付网关的 TLS 证书；请在 [ottpay] ca_bundle 中指定签发该证书的证书颁发机构。</translation>
    </message>
    <message>
        <source>The refund of %1 was not sent to the gateway; nothing was refunded.</source>
        <translation>%1 的退款未发送到支付网关，未退款。</translation>
    </message>
    <message>
        <source>Refunded %1.</source>
        <translation>已退款 %1。</translation>
    </message>
    <message>
        <source>The gateway refused the refund of %1: %2</source>
        <translation>网关拒绝了 %1 的退款：%2</translation>
    </message>
    <message>
        <source>Refund of %1 sent; its confirmation is being checked.</source>
        <translation>%1 的退款已发送，正在确认结果。</translation>
    </message>
    <message>
        <source>Manager&apos;s PIN to keep this late payment:</source>
        <translation>请输入经理PIN以保留这笔延迟付款：</translation>
    </message>
    <message>
        <source>Manager&apos;s PIN to refund this late payment:</source>
        <translation>请输入经理PIN以退还这笔延迟付款：</translation>
    </message>
    <message>
        <source>Manager&apos;s PIN to release refund %1 of %2:</source>
        <translation>请输入经理PIN以放行退款 %1（%2）：</translation>
    </message>
    <message>
        <source>Release refund</source>
        <translation>放行退款</translation>
    </message>
    <message>
        <source>Release the refund</source>
        <translation>放行此退款</translation>
    </message>
    <message>
        <source>Keep waiting</source>
        <translation>继续等待</translation>
    </message>
    <message>
        <source>Asking the gateway once more…</source>
        <translation>正在再次询问网关…</translation>
    </message>
    <message>
        <source>Refund %1 released: its %2 can be refunded again. The terminal keeps asking the gateway about it.</source>
        <translation>退款 %1 已放行：其 %2 可再次退款。终端会继续向网关查询此退款。</translation>
    </message>
    <message>
        <source>The gateway answered after all: refund %1 of %2 was paid out; nothing was released.</source>
        <translation>网关最终已答复：退款 %1（%2）已退出；未放行任何款项。</translation>
    </message>
    <message>
        <source>The gateway answered after all: refund %1 of %2 failed; its money can be refunded again.</source>
        <translation>网关最终已答复：退款 %1（%2）失败；该款项可再次退款。</translation>
    </message>
</context>
<context>
    <name>Keypad</name>
    <message>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Cashier</source>
        <translation>收银台</translation>
    </message>
    <message>
        <source>Something went wrong: %1</source>
        <translation>出现问题：%1</translation>
    </message>
    <message>
        <source>Payments are not available: the payment engine is not connected.</source>
        <translation>无法收款：支付引擎未连接。</translation>
    </message>
    <message>
        <source>New sale</source>
        <translation>新交易</translation>
    </message>
    <message>
        <source>DEMO</source>
        <translation>演示</translation>
    </message>
    <message>
        <source>Demo mode: payments go to the built-in simulator; no real money moves.</source>
        <translation>演示模式：付款发送到内置模拟器，不会产生真实资金往来。</translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation>退出登录</translation>
    </message>
    <message>
        <source>History</source>
        <translation>历史记录</translation>
    </message>
    <message>
        <source>Reports</source>
        <translation>报表</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Help</source>
        <translation>帮助</translation>
    </message>
    <message>
        <source>Export support bundle…</source>
        <translation>导出支持包…</translation>
    </message>
    <message>
        <source>Scan code: scan the customer&apos;s payment code, or type it here:</source>
        <translation>扫码收款：扫描顾客的付款码，或在此输入：</translation>
    </message>
    <message>
        <source>Payment code</source>
        <translation>付款码</translation>
    </message>
    <message>
        <source>Scan code</source>
        <translation>扫码收款</translation>
    </message>
    <message>
        <source>Show QR:</source>
        <translation>出示二维码：</translation>
    </message>
    <message>
        <source>Send link</source>
        <translation>发送付款链接</translation>
    </message>
    <message>
        <source>Phone and delivery orders: a payment link the customer opens on their phone (Alipay)</source>
        <translation>电话和外卖订单：顾客在手机上打开的付款链接（支付宝）</translation>
    </message>
    <message>
        <source>Simulate scan (demo):</source>
        <translation>模拟扫码（演示）：</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Customer pays (demo)</source>
        <translation>顾客付款（演示）</translation>
    </message>
    <message>
        <source>Sign in with your PIN to start selling</source>
        <translation>请输入PIN码登录后开始收款</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>登录</translation>
    </message>
    <message>
        <source>Signed out</source>
        <translation>已退出登录</translation>
    </message>
    <message>
        <source>Try again</source>
        <translation>重试</translation>
    </message>
    <message>
        <source>A code was scanned before anyone signed in; it was ignored.</source>
        <translation>尚未登录时扫到了付款码，已忽略。</translation>
    </message>
    <message>
        <source>A code was scanned on the result screen; it was ignored. Start a new sale, key the amount, then scan.</source>
        <translation>在结果页面扫到了付款码，已忽略。请开始新交易，输入金额后再扫码。</translation>
    </message>
    <message>
        <source>A code was scanned while a sale is in progress; it was ignored.</source>
        <translation>交易进行中扫到了付款码，已忽略。</translation>
    </message>
    <message>
        <source>%1 code %2 kept: key the amount, then press Enter to charge it.</source>
        <translation>已保留%1付款码 %2：请输入金额，然后按回车收款。</translation>
    </message>
    <message>
        <source>Processing the payment…</source>
        <translation>正在处理付款…</translation>
    </message>
    <message>
        <source>Unusually large amount</source>
        <translation>金额异常大</translation>
    </message>
    <message>
        <source>Charge %1? That is more than %2, more than usual here. Check the amount with the customer.</source>
        <translation>确定收取 %1 吗？该金额超过 %2，比平时大。请与顾客核对金额。</translation>
    </message>
    <message>
        <source>Charge %1</source>
        <translation>收取 %1</translation>
    </message>
    <message>
        <source>Change the amount</source>
        <translation>修改金额</translation>
    </message>
    <message>
        <source>Waiting for customer to confirm on phone</source>
        <translation>等待顾客在手机上确认</translation>
    </message>
    <message>
        <source>Late payment: order %1 (%2) paid after the terminal was closed while waiting. Keep or refund it.</source>
        <translation>延迟付款：订单 %1（%2）在等待期间收银台关闭后才支付成功。请保留或退款。</translation>
    </message>
    <message>
        <source>Late payment: order %1 (%2) was paid although the gateway did not answer in time. Keep or refund it.</source>
        <translation>延迟付款：订单 %1（%2）在网关未及时答复的情况下支付成功。请保留或退款。</translation>
    </message>
    <message>
        <source>Late payment: order %1 (%2) paid after you stopped waiting. Keep or refund it.</source>
        <translation>延迟付款：订单 %1（%2）在您停止等待后才支付成功。请保留或退款。</translation>
    </message>
    <message>
        <source>NOT SENT</source>
        <translation>未发送</translation>
    </message>
    <message>
        <source>Not sent, so nothing was charged: the gateway&apos;s TLS certificate could not be verified; trust the certificate authority that signed it with [ottpay] ca_bundle.</source>
        <translation>未发送，未扣款：无法验证支付网关的 TLS 证书；请在 [ottpay] ca_bundle 中指定签发该证书的证书颁发机构。</translation>
    </message>
    <message>
        <source>The payment was not sent to the gateway; nothing was charged.</source>
        <translation>此付款未发送到支付网关，未扣款。</translation>
    </message>
    <message>
        <source>The gateway refused the payment request (%1); nothing was charged.</source>
        <translation>支付网关拒绝了此付款请求（%1），未扣款。</translation>
    </message>
    <message>
        <source>The customer&apos;s wallet declined the payment; nothing was charged.</source>
        <translation>顾客的钱包拒绝了此付款，未扣款。</translation>
    </message>
    <message>
        <source>Scan or type the customer&apos;s payment code first.</source>
        <translation>请先扫描或输入顾客的付款码。</translation>
    </message>
    <message>
        <source>Ask the customer to scan the QR code with %1</source>
        <translation>请顾客用%1扫描二维码</translation>
    </message>
    <message>
        <source>Send the customer this payment link (Alipay)</source>
        <translation>请把这个付款链接发给顾客（支付宝）</translation>
    </message>
    <message>
        <source>Copied</source>
        <translation>已复制</translation>
    </message>
    <message>
        <source>A scan is still arriving; wait a moment and try again.</source>
        <translation>扫码尚未完成，请稍候再试。</translation>
    </message>
    <message>
        <source>Payment</source>
        <translation>付款</translation>
    </message>
    <message>
        <source>Sending…</source>
        <translation>正在发送…</translation>
    </message>
    <message>
        <source>Order %1</source>
        <translation>订单 %1</translation>
    </message>
    <message>
        <source>Open the customer page</source>
        <translation>打开顾客付款页面</translation>
    </message>
    <message>
        <source>Please confirm the payment on your phone</source>
        <translation>请在手机上确认付款</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>PAID</source>
        <translation>已支付</translation>
    </message>
    <message>
        <source>DECLINED</source>
        <translation>已拒绝</translation>
    </message>
    <message>
        <source>NOT PAID</source>
        <translation>未支付</translation>
    </message>
    <message>
        <source>NOT CONFIRMED</source>
        <translation>未确认</translation>
    </message>
    <message>
        <source>No final answer from the gateway yet. The sale keeps being checked; do not take another payment for it until it settles.</source>
        <translation>支付网关尚未给出最终结果。系统会继续查询该交易；在结果确定前请勿再次收款。</translation>
    </message>
    <message>
        <source>Payment in progress</source>
        <translation>正在付款</translation>
    </message>
    <message>
        <source>A customer may be paying right now. If you close the terminal, the payment is checked again at the next start and shown as closed while waiting.</source>
        <translation>顾客可能正在付款。如果现在关闭收银台，下次启动时会重新查询这笔付款，并标明是在等待期间关闭的。</translation>
    </message>
    <message>
        <source>Keep waiting</source>
        <translation>继续等待</translation>
    </message>
    <message>
        <source>Processing…</source>
        <translation>正在处理…</translation>
    </message>
    <message>
        <source>%1 left</source>
        <translation>剩余 %1</translation>
    </message>
    <message>
        <source>Order %1 was not charged (checked).</source>
        <translation>订单 %1 未扣款（已核实）。</translation>
    </message>
    <message>
        <source>The customer did not pay in time; the order was closed. Tap Try again or a wallet: the amount is kept.</source>
        <translation>顾客未在规定时间内付款，订单已关闭。请点击“重试”或选择钱包：金额已保留。</translation>
    </message>
    <message>
        <source>Ask the customer to pay another way or with another card in the wallet, then tap Try again or a wallet: the amount is kept.</source>
        <translation>请顾客换一种方式付款，或使用钱包中的其他银行卡，然后点击“重试”或选择钱包：金额已保留。</translation>
    </message>
    <message>
        <source>Cancelled order %1 (%2): not charged — still being checked.</source>
        <translation>已取消订单 %1（%2）：未扣款——仍在核实中。</translation>
    </message>
    <message>
        <source>Stop waiting?</source>
        <translation>停止等待？</translation>
    </message>
    <message>
        <source>Stop waiting for this payment? If the customer pays anyway, it shows up as a late payment.</source>
        <translation>停止等待这笔付款吗？如果顾客仍然付款，将显示为延迟付款。</translation>
    </message>
    <message>
        <source>Stop waiting</source>
        <translation>停止等待</translation>
    </message>
    <message>
        <source>Close anyway</source>
        <translation>仍然关闭</translation>
    </message>
</context>
<context>
    <name>OperatorAdmin</name>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Operator id</source>
        <translation>操作员编号</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>Remove selected</source>
        <translation>删除所选</translation>
    </message>
    <message>
        <source>Manager (refunds, Z report, settings, operators)</source>
        <translation>经理（退款、Z 报表、设置、操作员）</translation>
    </message>
    <message>
        <source>Add operator</source>
        <translation>添加操作员</translation>
    </message>
    <message>
        <source>OTT Pay operator id (10 digits)</source>
        <translation>OTT Pay 操作员编号（10 位数字）</translation>
    </message>
    <message>
        <source>PIN (4-8 digits)</source>
        <translation>PIN（4-8 位数字）</translation>
    </message>
    <message>
        <source>PIN again</source>
        <translation>再次输入 PIN</translation>
    </message>
    <message>
        <source>Manager</source>
        <translation>经理</translation>
    </message>
    <message>
        <source>Cashier</source>
        <translation>收银员</translation>
    </message>
    <message>
        <source>The two PINs differ; nothing was changed.</source>
        <translation>两次输入的 PIN 不一致，未做任何更改。</translation>
    </message>
    <message>
        <source>Added %1.</source>
        <translation>已添加 %1。</translation>
    </message>
    <message>
        <source>Select the operator to remove.</source>
        <translation>请选择要删除的操作员。</translation>
    </message>
    <message>
        <source>Removed %1.</source>
        <translation>已删除 %1。</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>正在保存…</translation>
    </message>
    <message>
        <source>%1 is the last manager; add another manager before removing them.</source>
        <translation>%1 是最后一位经理；请先添加另一位经理再删除。</translation>
    </message>
    <message>
        <source>A PIN is 4 to 8 digits.</source>
        <translation>PIN 为 4 到 8 位数字。</translation>
    </message>
    <message>
        <source>An operator needs a name and an OTT Pay operator id.</source>
        <translation>操作员需要姓名和 OTT Pay 操作员编号。</translation>
    </message>
    <message>
        <source>That PIN is already used by another operator; choose another.</source>
        <translation>该 PIN 已被其他操作员使用，请另选一个。</translation>
    </message>
    <message>
        <source>The operator id must be 10 digits, like 0000020156.</source>
        <translation>操作员编号必须是 10 位数字，例如 0000020156。</translation>
    </message>
    <message>
        <source>An operator with that name or operator id exists already.</source>
        <translation>已存在同名或同编号的操作员。</translation>
    </message>
    <message>
        <source>Manager&apos;s PIN to change operators:</source>
        <translation>修改操作员需要经理 PIN：</translation>
    </message>
</context>
<context>
    <name>OperatorAdminDialog</name>
    <message>
        <source>Operators</source>
        <translation>操作员</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
</context>
<context>
    <name>OtherLanesLate</name>
    <message>
        <source>Open</source>
        <extracomment>The banner&apos;s key and kind.</extracomment>
        <translation>打开</translation>
    </message>
    <message>
        <source>1 late payment at another lane</source>
        <translation>其他收银台有 1 笔延迟付款</translation>
    </message>
    <message>
        <source>%1 late payments at other lanes</source>
        <translation>其他收银台有 %1 笔延迟付款</translation>
    </message>
</context>
<context>
    <name>PinDialog</name>
    <message>
        <source>PIN</source>
        <translation>PIN码</translation>
    </message>
    <message>
        <source>Enter the PIN.</source>
        <translation>请输入PIN码。</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>正在核对…</translation>
    </message>
    <message>
        <source>Wrong PIN, or not a manager&apos;s PIN.</source>
        <translation>PIN码错误，或不是经理的PIN码。</translation>
    </message>
</context>
<context>
    <name>RefundDialog</name>
    <message>
        <source>Refund</source>
        <translation>退款</translation>
    </message>
    <message>
        <source>Manager&apos;s PIN:</source>
        <translation>经理 PIN：</translation>
    </message>
    <message>
        <source>Amount to refund (leave empty to refund everything left, %1):</source>
        <translation>退款金额（留空则退还剩余全部，%1）：</translation>
    </message>
</context>
<context>
    <name>RefundState</name>
    <message>
        <source>released by a manager, still being checked</source>
        <translation>经理已放行，仍在核对</translation>
    </message>
    <message>
        <source>being checked</source>
        <translation>核对中</translation>
    </message>
    <message>
        <source>outcome unknown</source>
        <translation>结果未知</translation>
    </message>
    <message>
        <source>refunded</source>
        <translation>已退款</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
</context>
<context>
    <name>Refunds</name>
    <message>
        <source>The gateway has not said whether this refund was paid out. Releasing it lets the same money be refunded again: if the first refund did go through, the customer gets it twice. The terminal keeps asking the gateway and books the refund if it turns up.</source>
        <translation>网关尚未告知此退款是否已退出。放行后同一笔钱可以再次退款：如果第一笔退款其实已经成功，顾客会收到两次。终端会继续向网关查询，一旦查到该退款就会记账。</translation>
    </message>
</context>
<context>
    <name>ReportWindow</name>
    <message>
        <source>Reports</source>
        <translation>报表</translation>
    </message>
    <message>
        <source>Wallet</source>
        <translation>钱包</translation>
    </message>
    <message>
        <source>Sales</source>
        <translation>销售</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <source>Tips</source>
        <translation>小费</translation>
    </message>
    <message>
        <source>Refunds</source>
        <translation>退款</translation>
    </message>
    <message>
        <source>Net</source>
        <translation>净额</translation>
    </message>
    <message>
        <source>X report (refresh)</source>
        <translation>X报表（刷新）</translation>
    </message>
    <message>
        <source>Print</source>
        <translation>打印</translation>
    </message>
    <message>
        <source>Close the day (Z report)…</source>
        <translation>日结（Z报表）…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Store X report (every lane)</source>
        <translation>门店X报表（所有收银台）</translation>
    </message>
    <message>
        <source>Close the store&apos;s day (store Z)…</source>
        <translation>门店日结（门店Z报表）…</translation>
    </message>
    <message>
        <source>Z report #%1 — business day %2 (closed)</source>
        <translation>Z报表 #%1 — 营业日 %2（已日结）</translation>
    </message>
    <message>
        <source>X report — business day %1 (running totals)</source>
        <translation>X报表 — 营业日 %1（当前累计）</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>合计</translation>
    </message>
    <message>
        <source>Declined: %1 · Not paid: %2 · Still open: %3 · Late payments: %4</source>
        <translation>已拒绝：%1 · 未支付：%2 · 未完成：%3 · 延迟付款：%4</translation>
    </message>
    <message>
        <source>The report was sent to the printer.</source>
        <translation>报表已发送到打印机。</translation>
    </message>
    <message>
        <source>Business day %1 is already closed (Z report #%2); a day can be closed only once.</source>
        <translation>营业日 %1 已经日结（Z 报表 #%2）；每个营业日只能日结一次。</translation>
    </message>
    <message>
        <source>Closing the day cannot be undone. Manager&apos;s PIN:</source>
        <translation>日结后无法撤销。请输入经理PIN码：</translation>
    </message>
    <message>
        <source>Close business day %1 now? Later sales count on the next day.</source>
        <translation>现在日结营业日 %1 吗？之后的交易将计入下一个营业日。</translation>
    </message>
    <message>
        <source>%1 sale(s) of business day %2 are still waiting for the gateway&apos;s answer; the Z report shows them as open. Close the day anyway?</source>
        <translation>营业日 %2 有 %1 笔交易仍在等待支付网关的结果；Z 报表会将其列为未完成。仍然日结吗？</translation>
    </message>
    <message>
        <source>Close the day</source>
        <translation>日结</translation>
    </message>
    <message>
        <source>Keep the day open</source>
        <translation>暂不日结</translation>
    </message>
    <message>
        <source>Waiting for a refund being sent to the gateway…</source>
        <translation>正在等待发往支付网关的退款…</translation>
    </message>
    <message>
        <source>Refund(s) %1 of business day %2 are still being sent to the gateway; close the day once they are answered.</source>
        <translation>营业日 %2 的退款 %1 仍在发往支付网关；收到结果后再日结。</translation>
    </message>
    <message>
        <source>Business day %1 closed (Z report #%2).</source>
        <translation>营业日 %1 已日结（Z报表 #%2）。</translation>
    </message>
    <message>
        <source>The store database cannot be reached, so the store&apos;s reports are not available; this lane&apos;s own reports still work.</source>
        <translation>无法连接门店数据库，门店报表暂不可用；本收银台自己的报表照常可用。</translation>
    </message>
    <message>
        <source>The store has already closed today&apos;s business day; a day can be closed only once.</source>
        <translation>门店今天的营业日已日结；每个营业日只能日结一次。</translation>
    </message>
    <message>
        <source>Business day %1 is already closed (store Z report #%2); a day can be closed only once.</source>
        <translation>营业日 %1 已日结（门店Z报表 #%2）；每个营业日只能日结一次。</translation>
    </message>
    <message>
        <source>Store Z report #%1 — business day %2</source>
        <translation>门店Z报表 #%1 — 营业日 %2</translation>
    </message>
    <message>
        <source>Store X report — business day %1 (closed by store Z report #%2)</source>
        <translation>门店X报表 — 营业日 %1（已由门店Z报表 #%2 日结）</translation>
    </message>
    <message>
        <source>Store X report — business day %1 (running totals)</source>
        <translation>门店X报表 — 营业日 %1（当前累计）</translation>
    </message>
    <message>
        <source>%1 (Z #%2)</source>
        <translation>%1（Z #%2）</translation>
    </message>
    <message>
        <source>Lane</source>
        <translation>收银台</translation>
    </message>
    <message>
        <source>Store total</source>
        <translation>门店合计</translation>
    </message>
    <message>
        <source>Every lane has closed the day.</source>
        <translation>所有收银台均已日结。</translation>
    </message>
    <message>
        <source>Still open, asked to close the day: %1</source>
        <translation>尚未日结，已通知日结：%1</translation>
    </message>
    <message>
        <source>Lanes that have not closed the day: %1</source>
        <translation>尚未日结的收银台：%1</translation>
    </message>
    <message>
        <source>Closing the store&apos;s day cannot be undone. Manager&apos;s PIN:</source>
        <translation>门店日结后无法撤销。请输入经理PIN码：</translation>
    </message>
    <message>
        <source>Close the store&apos;s day</source>
        <translation>门店日结</translation>
    </message>
    <message>
        <source>Close today&apos;s business day for every lane? The lanes still open close it with their own Z report as soon as they can.</source>
        <translation>为所有收银台结束今天的营业日吗？尚未日结的收银台会尽快用各自的Z报表日结。</translation>
    </message>
    <message>
        <source>The store closed business day %1 (store Z report #%2).</source>
        <translation>门店已结束营业日 %1（门店Z报表 #%2）。</translation>
    </message>
</context>
<context>
    <name>SaleState</name>
    <message>
        <source>pending</source>
        <translation>处理中</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>paid</source>
        <translation>已支付</translation>
    </message>
    <message>
        <source>declined</source>
        <translation>已拒绝</translation>
    </message>
    <message>
        <source>not paid</source>
        <translation>未支付</translation>
    </message>
    <message>
        <source>partly refunded</source>
        <translation>部分退款</translation>
    </message>
    <message>
        <source>refunded</source>
        <translation>已退款</translation>
    </message>
    <message>
        <source> (late)</source>
        <translation>（延迟）</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Operators</source>
        <translation>操作员</translation>
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
        <source>Gateway</source>
        <translation>支付网关</translation>
    </message>
    <message>
        <source>Endpoint</source>
        <translation>网关地址</translation>
    </message>
    <message>
        <source>Merchant id</source>
        <translation>商户号</translation>
    </message>
    <message>
        <source>Operator id</source>
        <translation>操作员编号</translation>
    </message>
    <message>
        <source>kept in the OS keyring</source>
        <translation>保存在系统钥匙串中</translation>
    </message>
    <message>
        <source>unchanged (ends in %1); type a new key to replace it</source>
        <translation>未更改（末尾为 %1）；输入新密钥可替换</translation>
    </message>
    <message>
        <source>Sign key</source>
        <translation>签名密钥</translation>
    </message>
    <message>
        <source>Callback URL</source>
        <translation>回调地址</translation>
    </message>
    <message>
        <source>Callback listen (host:port)</source>
        <translation>回调监听（主机:端口）</translation>
    </message>
    <message>
        <source>Gateway timeout (s)</source>
        <translation>网关超时（秒）</translation>
    </message>
    <message>
        <source>Terminal number</source>
        <translation>终端号</translation>
    </message>
    <message>
        <source>Payments</source>
        <translation>收款</translation>
    </message>
    <message>
        <source>Poll interval (s)</source>
        <translation>查询间隔（秒）</translation>
    </message>
    <message>
        <source>Wait for a scanned code (s)</source>
        <translation>扫码付款等待时间（秒）</translation>
    </message>
    <message>
        <source>Wait for a QR payment (s)</source>
        <translation>二维码付款等待时间（秒）</translation>
    </message>
    <message>
        <source>Late payment</source>
        <translation>延迟付款</translation>
    </message>
    <message>
        <source>Ask the cashier</source>
        <translation>询问收银员</translation>
    </message>
    <message>
        <source>Refund it</source>
        <translation>自动退款</translation>
    </message>
    <message>
        <source>Largest amount</source>
        <translation>最大金额</translation>
    </message>
    <message>
        <source>Shop</source>
        <translation>商店</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <source>Scanner</source>
        <translation>扫码枪</translation>
    </message>
    <message>
        <source>None</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Keyboard (wedge)</source>
        <translation>键盘模式</translation>
    </message>
    <message>
        <source>Serial / USB</source>
        <translation>串口 / USB</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>端口</translation>
    </message>
    <message>
        <source>Baud rate</source>
        <translation>波特率</translation>
    </message>
    <message>
        <source>Ends with</source>
        <translation>结束符</translation>
    </message>
    <message>
        <source>Wedge prefix</source>
        <translation>键盘模式前缀</translation>
    </message>
    <message>
        <source>Wedge suffix</source>
        <translation>键盘模式后缀</translation>
    </message>
    <message>
        <source>Test scan: scan a payment code now.</source>
        <translation>测试扫码：现在请扫描一个付款码。</translation>
    </message>
    <message>
        <source>Printer</source>
        <translation>打印机</translation>
    </message>
    <message>
        <source>Paper width (mm)</source>
        <translation>纸宽（毫米）</translation>
    </message>
    <message>
        <source>Encoding</source>
        <translation>编码</translation>
    </message>
    <message>
        <source>Print the receipt automatically</source>
        <translation>自动打印小票</translation>
    </message>
    <message>
        <source>Test print</source>
        <translation>打印测试页</translation>
    </message>
    <message>
        <source>Display</source>
        <translation>显示</translation>
    </message>
    <message>
        <source>Customer display</source>
        <translation>顾客显示屏</translation>
    </message>
    <message>
        <source>Second screen if there is one</source>
        <translation>如有第二块屏幕则使用</translation>
    </message>
    <message>
        <source>Screen</source>
        <translation>屏幕</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>正在保存…</translation>
    </message>
    <message>
        <source>Saved. Restart the terminal to use the new settings.</source>
        <translation>已保存。请重启收银台以使用新设置。</translation>
    </message>
    <message>
        <source>The password could not be put in the OS keyring (%1); nothing was saved. Untick the keyring box to keep it in the settings file.</source>
        <translation>密码无法存入系统密钥环（%1），未保存任何内容。取消勾选密钥环选项即可将其保存在设置文件中。</translation>
    </message>
    <message>
        <source>Test scan: %1 code %2</source>
        <translation>测试扫码：%1 付款码 %2</translation>
    </message>
    <message>
        <source>Printing…</source>
        <translation>正在打印…</translation>
    </message>
    <message>
        <source>The test page was printed.</source>
        <translation>测试页已打印。</translation>
    </message>
</context>
<context>
    <name>StoreFields</name>
    <message>
        <source>Store database address</source>
        <translation>门店数据库地址</translation>
    </message>
    <message>
        <source>Database password</source>
        <translation>数据库密码</translation>
    </message>
    <message>
        <source>unchanged; type a new password to replace it</source>
        <translation>未更改；输入新密码可替换</translation>
    </message>
    <message>
        <source>Keep the password in the OS keyring</source>
        <translation>将密码保存在系统密钥环中</translation>
    </message>
    <message>
        <source>This lane&apos;s terminal id</source>
        <translation>本收银台编号</translation>
    </message>
    <message>
        <source>This lane&apos;s name</source>
        <translation>本收银台名称</translation>
    </message>
    <message>
        <source>Front counter</source>
        <translation>前台收银</translation>
    </message>
    <message>
        <source>Test connection</source>
        <translation>测试连接</translation>
    </message>
    <message>
        <source>Enter the store database&apos;s address first.</source>
        <translation>请先输入门店数据库地址。</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>正在连接…</translation>
    </message>
    <message>
        <source>The store database answers and is ready.</source>
        <translation>门店数据库已响应，可以使用。</translation>
    </message>
</context>
<context>
    <name>StoreStatus</name>
    <message>
        <source>Store unreachable since %1, sales continue</source>
        <translation>门店数据库自 %1 起无法连接，收款照常进行</translation>
    </message>
    <message>
        <source>Store: shipping stopped since %1, sales continue</source>
        <translation>门店：自 %1 起停止发送，收款照常进行</translation>
    </message>
    <message>
        <source>Store: connecting…</source>
        <translation>门店：正在连接…</translation>
    </message>
    <message>
        <source>Store: up to date</source>
        <translation>门店：已同步</translation>
    </message>
    <message>
        <source>%1 s behind</source>
        <translation>落后 %1 秒</translation>
    </message>
    <message>
        <source>%1 min behind</source>
        <translation>落后 %1 分钟</translation>
    </message>
    <message>
        <source>Store: %1 changes waiting, %2</source>
        <translation>门店：%1 项更改待发送，%2</translation>
    </message>
</context>
<context>
    <name>Terminal</name>
    <message>
        <source>Pays at once</source>
        <translation>立即支付成功</translation>
    </message>
    <message>
        <source>Confirms on phone</source>
        <translation>手机上确认后成功</translation>
    </message>
    <message>
        <source>Declined</source>
        <translation>被拒绝</translation>
    </message>
    <message>
        <source>Never settles</source>
        <translation>一直未完成</translation>
    </message>
    <message>
        <source>Alipay, pays at once</source>
        <translation>支付宝，立即成功</translation>
    </message>
    <message>
        <source>Demo shop</source>
        <translation>演示商店</translation>
    </message>
    <message>
        <source>Demo PINs: cashier %1, manager %2</source>
        <extracomment>Demo mode names its public PINs wherever one is asked for.</extracomment>
        <translation>演示PIN码：收银员 %1，经理 %2</translation>
    </message>
    <message>
        <source>Could not check unfinished sales: %1</source>
        <extracomment>The start-up check of what the last run left open (``CounterPort.recover``): done within its deadline; the window is usable all along.</extracomment>
        <translation>无法核对未完成的交易：%1</translation>
    </message>
    <message>
        <source>Reprint</source>
        <translation>重新打印</translation>
    </message>
    <message>
        <source>Export support bundle</source>
        <translation>导出支持包</translation>
    </message>
    <message>
        <source>Zip archives (*.zip)</source>
        <translation>Zip 压缩包 (*.zip)</translation>
    </message>
    <message>
        <source>Support bundle saved:
%1</source>
        <translation>支持包已保存：
%1</translation>
    </message>
    <message>
        <source>Could not save the support bundle: %1</source>
        <translation>无法保存支持包：%1</translation>
    </message>
    <message>
        <source>Support bundle</source>
        <translation>支持包</translation>
    </message>
    <message>
        <source>Scanner disconnected: %1</source>
        <translation>扫码枪已断开：%1</translation>
    </message>
    <message>
        <source>Sign in with your PIN:</source>
        <translation>请输入PIN码登录：</translation>
    </message>
    <message>
        <source>Wrong PIN.</source>
        <translation>PIN码错误。</translation>
    </message>
    <message>
        <source>Manager&apos;s PIN to change settings:</source>
        <translation>请输入经理PIN码以修改设置：</translation>
    </message>
    <message>
        <source>Settings saved; restart the terminal to use them.</source>
        <translation>设置已保存；请重启收银台以生效。</translation>
    </message>
    <message>
        <source>Choose a printer first.</source>
        <translation>请先选择打印机。</translation>
    </message>
    <message>
        <source>Printer problem: %1</source>
        <translation>打印机故障：%1</translation>
    </message>
</context>
<context>
    <name>Wallet</name>
    <message>
        <source>Alipay</source>
        <translation>支付宝</translation>
    </message>
    <message>
        <source>WeChat Pay</source>
        <translation>微信支付</translation>
    </message>
    <message>
        <source>UnionPay</source>
        <translation>银联</translation>
    </message>
</context>
</TS>

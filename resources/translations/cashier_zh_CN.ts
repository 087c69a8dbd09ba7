<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AmountEntry</name>
    <message>
        <location filename="../../cashier/ui/keypad.py" line="54"/>
        <source>The amount already has a decimal point.</source>
        <translation>金额已经有小数点了。</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/keypad.py" line="58"/>
        <source>Only digits and a decimal point can be typed here.</source>
        <translation>这里只能输入数字和小数点。</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/keypad.py" line="60"/>
        <source>Amounts have at most two decimals.</source>
        <translation>金额最多两位小数。</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/keypad.py" line="63"/>
        <source>The amount cannot be above %1.</source>
        <translation>金额不能超过 %1。</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/keypad.py" line="73"/>
        <source>Enter an amount, for example 12.34.</source>
        <translation>请输入金额，例如 12.34。</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/keypad.py" line="76"/>
        <source>The amount is zero; enter an amount above 0.00.</source>
        <translation>金额为零，请输入大于 0.00 的金额。</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/keypad.py" line="168"/>
        <location filename="../../cashier/ui/keypad.py" line="244"/>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/keypad.py" line="169"/>
        <location filename="../../cashier/ui/keypad.py" line="245"/>
        <source>Tip</source>
        <translation>小费</translation>
    </message>
</context>
<context>
    <name>CustomerDisplay</name>
    <message>
        <location filename="../../cashier/ui/customer_display.py" line="36"/>
        <source>Customer display</source>
        <translation>顾客显示屏</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/customer_display.py" line="102"/>
        <source>≈ CNY %1</source>
        <translation>≈ 人民币 %1</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/customer_display.py" line="107"/>
        <source>Welcome</source>
        <translation>欢迎光临</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/customer_display.py" line="114"/>
        <source>Amount to pay</source>
        <translation>应付金额</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/customer_display.py" line="121"/>
        <source>Scan with %1 to pay</source>
        <translation>请用%1扫码支付</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/customer_display.py" line="130"/>
        <source>Paid — thank you!</source>
        <translation>支付成功，谢谢！</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/customer_display.py" line="133"/>
        <source>Payment not completed</source>
        <translation>支付未完成</translation>
    </message>
</context>
<context>
    <name>HistoryDialog</name>
    <message>
        <location filename="../../cashier/ui/history.py" line="73"/>
        <source>History</source>
        <translation>历史记录</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/history.py" line="85"/>
        <source>Order id, amount (12.34) or last 4 digits of the code</source>
        <translation>订单号、金额（12.34）或付款码后4位</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/history.py" line="88"/>
        <source>Today only</source>
        <translation>仅今天</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/history.py" line="91"/>
        <source>Search</source>
        <translation>搜索</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/history.py" line="100"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/history.py" line="100"/>
        <source>Order</source>
        <translation>订单</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/history.py" line="100"/>
        <source>Wallet</source>
        <translation>钱包</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/history.py" line="100"/>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/history.py" line="101"/>
        <source>Tip</source>
        <translation>小费</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/history.py" line="101"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/history.py" line="101"/>
        <source>Code</source>
        <translation>付款码</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/history.py" line="116"/>
        <source>Reprint</source>
        <translation>重打小票</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/history.py" line="118"/>
        <source>Refund…</source>
        <translation>退款…</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/history.py" line="120"/>
        <source>Keep late payment</source>
        <translation>保留延迟付款</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/history.py" line="122"/>
        <source>Refund late payment</source>
        <translation>退还延迟付款</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/history.py" line="124"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/history.py" line="147"/>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/history.py" line="176"/>
        <source>%1 sale(s)</source>
        <translation>%1 笔交易</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/history.py" line="213"/>
        <source>Order %1 · %2 · %3</source>
        <translation>订单 %1 · %2 · %3</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/history.py" line="216"/>
        <source>Amount %1 + tip %2 = %3</source>
        <translation>金额 %1 + 小费 %2 = %3</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/history.py" line="219"/>
        <source>Gateway order %1 · operator %2</source>
        <translation>网关订单 %1 · 操作员 %2</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/history.py" line="223"/>
        <source>Refund %1: %2 (%3)</source>
        <translation>退款 %1：%2（%3）</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/history.py" line="227"/>
        <source>Refundable: %1</source>
        <translation>可退金额：%1</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/history.py" line="247"/>
        <source>Receipt for %1 sent to the printer.</source>
        <translation>订单 %1 的小票已发送到打印机。</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/history.py" line="262"/>
        <source>Refunding…</source>
        <translation>正在退款…</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/history.py" line="270"/>
        <source>Refunded %1.</source>
        <translation>已退款 %1。</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/history.py" line="272"/>
        <source>The gateway refused the refund of %1: %2</source>
        <translation>网关拒绝了 %1 的退款：%2</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/history.py" line="275"/>
        <source>Refund of %1 sent; its confirmation is being checked.</source>
        <translation>%1 的退款已发送，正在确认结果。</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/history.py" line="284"/>
        <source>Manager&apos;s PIN to keep this late payment:</source>
        <translation>请输入经理PIN以保留这笔延迟付款：</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/history.py" line="285"/>
        <source>Manager&apos;s PIN to refund this late payment:</source>
        <translation>请输入经理PIN以退还这笔延迟付款：</translation>
    </message>
</context>
<context>
    <name>Keypad</name>
    <message>
        <location filename="../../cashier/ui/keypad.py" line="104"/>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../cashier/ui/main_window.py" line="141"/>
        <source>Cashier</source>
        <extracomment>Extra seconds the screen waits beyond the engine&apos;s own deadline (the engine ends the wait).</extracomment>
        <translation>收银台</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/main_window.py" line="146"/>
        <source>Something went wrong: %1</source>
        <translation>出现问题：%1</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/main_window.py" line="149"/>
        <location filename="../../cashier/ui/main_window.py" line="425"/>
        <source>Payments are not available: the payment engine is not connected.</source>
        <translation>无法收款：支付引擎未连接。</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/main_window.py" line="156"/>
        <location filename="../../cashier/ui/main_window.py" line="303"/>
        <location filename="../../cashier/ui/main_window.py" line="335"/>
        <source>New sale</source>
        <translation>新交易</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/main_window.py" line="159"/>
        <source>DEMO</source>
        <translation>演示</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/main_window.py" line="165"/>
        <source>Demo mode: payments go to the built-in simulator; no real money moves.</source>
        <translation>演示模式：付款发送到内置模拟器，不会产生真实资金往来。</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/main_window.py" line="172"/>
        <source>Sign out</source>
        <translation>退出登录</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/main_window.py" line="176"/>
        <source>History</source>
        <translation>历史记录</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/main_window.py" line="179"/>
        <source>Reports</source>
        <translation>报表</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/main_window.py" line="182"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/main_window.py" line="202"/>
        <source>Scan code: scan the customer&apos;s payment code, or type it here:</source>
        <translation>扫码收款：扫描顾客的付款码，或在此输入：</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/main_window.py" line="208"/>
        <source>Payment code</source>
        <translation>付款码</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/main_window.py" line="211"/>
        <source>Scan code</source>
        <translation>扫码收款</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/main_window.py" line="217"/>
        <source>Show QR:</source>
        <translation>出示二维码：</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/main_window.py" line="229"/>
        <source>Simulate scan (demo):</source>
        <translation>模拟扫码（演示）：</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/main_window.py" line="249"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/main_window.py" line="263"/>
        <source>Sign in with your PIN to start selling</source>
        <translation>请输入PIN码登录后开始收款</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/main_window.py" line="264"/>
        <source>Sign in</source>
        <translation>登录</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/main_window.py" line="289"/>
        <source>Signed out</source>
        <translation>已退出登录</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/main_window.py" line="369"/>
        <source>A code was scanned before anyone signed in; it was ignored.</source>
        <translation>尚未登录时扫到了付款码，已忽略。</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/main_window.py" line="374"/>
        <source>A code was scanned on the result screen; it was ignored. Start a new sale, key the amount, then scan.</source>
        <translation>在结果页面扫到了付款码，已忽略。请开始新交易，输入金额后再扫码。</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/main_window.py" line="380"/>
        <source>A code was scanned while a sale is in progress; it was ignored.</source>
        <translation>交易进行中扫到了付款码，已忽略。</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/main_window.py" line="396"/>
        <source>Waiting for customer to confirm on phone</source>
        <translation>等待顾客在手机上确认</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/main_window.py" line="403"/>
        <source>Scan or type the customer&apos;s payment code first.</source>
        <translation>请先扫描或输入顾客的付款码。</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/main_window.py" line="418"/>
        <source>Ask the customer to scan the QR code with %1</source>
        <translation>请顾客用%1扫描二维码</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/main_window.py" line="437"/>
        <source>Payment</source>
        <translation>付款</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/main_window.py" line="440"/>
        <source>Sending…</source>
        <translation>正在发送…</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/main_window.py" line="469"/>
        <source>Order %1</source>
        <translation>订单 %1</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/main_window.py" line="481"/>
        <source>Please confirm the payment on your phone</source>
        <translation>请在手机上确认付款</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/main_window.py" line="493"/>
        <source>%1 s left</source>
        <translation>剩余 %1 秒</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/main_window.py" line="522"/>
        <source>Late payment: order %1 (%2) was paid after you stopped waiting. Check it in History and keep or refund it.</source>
        <translation>延迟付款：订单 %1（%2）在您停止等待后才支付成功。请在历史记录中查看，保留或退款。</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/main_window.py" line="533"/>
        <source>Result</source>
        <translation>结果</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/main_window.py" line="536"/>
        <source>PAID</source>
        <translation>已支付</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/main_window.py" line="539"/>
        <source>DECLINED</source>
        <translation>已拒绝</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/main_window.py" line="542"/>
        <source>NOT PAID</source>
        <translation>未支付</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/main_window.py" line="543"/>
        <source>The customer did not pay in time; the order was closed. Start a new sale to try again.</source>
        <translation>顾客未在规定时间内付款，订单已关闭。请开始新交易重试。</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/main_window.py" line="546"/>
        <source>NOT CONFIRMED</source>
        <translation>未确认</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/main_window.py" line="547"/>
        <source>No final answer from the gateway yet. The sale keeps being checked; do not take another payment for it until it settles.</source>
        <translation>支付网关尚未给出最终结果。系统会继续查询该交易；在结果确定前请勿再次收款。</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/main_window.py" line="561"/>
        <source>The payment was declined. Ask the customer to pay another way or with another card in the wallet.</source>
        <translation>付款被拒绝。请顾客换一种方式付款，或使用钱包中的其他银行卡。</translation>
    </message>
</context>
<context>
    <name>PinDialog</name>
    <message>
        <location filename="../../cashier/ui/pin_dialog.py" line="30"/>
        <source>PIN</source>
        <translation>PIN码</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/pin_dialog.py" line="66"/>
        <source>Enter the PIN.</source>
        <translation>请输入PIN码。</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/pin_dialog.py" line="69"/>
        <source>Checking…</source>
        <translation>正在核对…</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/pin_dialog.py" line="29"/>
        <source>Wrong PIN, or not a manager&apos;s PIN.</source>
        <translation>PIN码错误，或不是经理的PIN码。</translation>
    </message>
</context>
<context>
    <name>RefundDialog</name>
    <message>
        <location filename="../../cashier/ui/history.py" line="44"/>
        <source>Refund</source>
        <translation>退款</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/history.py" line="47"/>
        <source>Refund amount (empty for everything left, %1), then the manager&apos;s PIN:</source>
        <translation>退款金额（留空则退还全部剩余金额 %1），然后输入经理PIN码：</translation>
    </message>
</context>
<context>
    <name>ReportWindow</name>
    <message>
        <location filename="../../cashier/ui/report_window.py" line="37"/>
        <source>Reports</source>
        <translation>报表</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/report_window.py" line="54"/>
        <source>Wallet</source>
        <translation>钱包</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/report_window.py" line="54"/>
        <source>Sales</source>
        <translation>销售</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/report_window.py" line="54"/>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/report_window.py" line="54"/>
        <source>Tips</source>
        <translation>小费</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/report_window.py" line="55"/>
        <source>Refunds</source>
        <translation>退款</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/report_window.py" line="55"/>
        <source>Net</source>
        <translation>净额</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/report_window.py" line="65"/>
        <source>X report (refresh)</source>
        <translation>X报表（刷新）</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/report_window.py" line="67"/>
        <source>Print</source>
        <translation>打印</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/report_window.py" line="70"/>
        <source>Close the day (Z report)…</source>
        <translation>日结（Z报表）…</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/report_window.py" line="73"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/report_window.py" line="97"/>
        <source>Z report #%1 — business day %2 (closed)</source>
        <translation>Z报表 #%1 — 营业日 %2（已日结）</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/report_window.py" line="101"/>
        <source>X report — business day %1 (running totals)</source>
        <translation>X报表 — 营业日 %1（当前累计）</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/report_window.py" line="106"/>
        <source>Total</source>
        <translation>合计</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/report_window.py" line="114"/>
        <source>Declined: %1 · Not paid: %2 · Still open: %3 · Late payments: %4</source>
        <translation>已拒绝：%1 · 未支付：%2 · 未完成：%3 · 延迟付款：%4</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/report_window.py" line="123"/>
        <source>The report was sent to the printer.</source>
        <translation>报表已发送到打印机。</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/report_window.py" line="131"/>
        <source>Closing the day cannot be undone. Manager&apos;s PIN:</source>
        <translation>日结后无法撤销。请输入经理PIN码：</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/report_window.py" line="139"/>
        <source>Close the day</source>
        <translation>日结</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/report_window.py" line="140"/>
        <source>Close the business day now? Later sales count on the next day.</source>
        <translation>现在结束本营业日吗？之后的交易将计入下一营业日。</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/report_window.py" line="148"/>
        <source>Business day %1 closed (Z report #%2).</source>
        <translation>营业日 %1 已日结（Z报表 #%2）。</translation>
    </message>
</context>
<context>
    <name>SaleState</name>
    <message>
        <location filename="../../cashier/ui/labels.py" line="31"/>
        <source>pending</source>
        <translation>处理中</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/labels.py" line="32"/>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/labels.py" line="33"/>
        <source>paid</source>
        <translation>已支付</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/labels.py" line="34"/>
        <source>declined</source>
        <translation>已拒绝</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/labels.py" line="35"/>
        <source>not paid</source>
        <translation>未支付</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/labels.py" line="36"/>
        <source>partly refunded</source>
        <translation>部分退款</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/labels.py" line="37"/>
        <source>refunded</source>
        <translation>已退款</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/labels.py" line="40"/>
        <source> (late)</source>
        <translation>（延迟）</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../cashier/ui/settings_dialog.py" line="76"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/settings_dialog.py" line="95"/>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/settings_dialog.py" line="98"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/settings_dialog.py" line="149"/>
        <source>Gateway</source>
        <translation>支付网关</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/settings_dialog.py" line="150"/>
        <source>Endpoint</source>
        <translation>网关地址</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/settings_dialog.py" line="151"/>
        <source>Merchant id</source>
        <translation>商户号</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/settings_dialog.py" line="152"/>
        <source>Operator id</source>
        <translation>操作员编号</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/settings_dialog.py" line="159"/>
        <source>kept in the OS keyring</source>
        <translation>保存在系统钥匙串中</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/settings_dialog.py" line="162"/>
        <source>unchanged (ends in %1); type a new key to replace it</source>
        <translation>未更改（末尾为 %1）；输入新密钥可替换</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/settings_dialog.py" line="164"/>
        <source>Sign key</source>
        <translation>签名密钥</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/settings_dialog.py" line="165"/>
        <source>Callback URL</source>
        <translation>回调地址</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/settings_dialog.py" line="166"/>
        <source>Callback listen (host:port)</source>
        <translation>回调监听（主机:端口）</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/settings_dialog.py" line="167"/>
        <source>Gateway timeout (s)</source>
        <translation>网关超时（秒）</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/settings_dialog.py" line="168"/>
        <source>Terminal number</source>
        <translation>终端号</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/settings_dialog.py" line="171"/>
        <source>Payments</source>
        <translation>收款</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/settings_dialog.py" line="172"/>
        <source>Poll interval (s)</source>
        <translation>查询间隔（秒）</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/settings_dialog.py" line="173"/>
        <source>Wait for a scanned code (s)</source>
        <translation>扫码付款等待时间（秒）</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/settings_dialog.py" line="175"/>
        <source>Wait for a QR payment (s)</source>
        <translation>二维码付款等待时间（秒）</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/settings_dialog.py" line="177"/>
        <source>Late payment</source>
        <translation>延迟付款</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/settings_dialog.py" line="178"/>
        <source>Ask the cashier</source>
        <translation>询问收银员</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/settings_dialog.py" line="178"/>
        <source>Refund it</source>
        <translation>自动退款</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/settings_dialog.py" line="179"/>
        <source>Largest amount</source>
        <translation>最大金额</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/settings_dialog.py" line="182"/>
        <source>Shop</source>
        <translation>商店</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/settings_dialog.py" line="183"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/settings_dialog.py" line="184"/>
        <location filename="../../cashier/ui/settings_dialog.py" line="208"/>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/settings_dialog.py" line="185"/>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/settings_dialog.py" line="188"/>
        <location filename="../../cashier/ui/settings_dialog.py" line="189"/>
        <source>Scanner</source>
        <translation>扫码枪</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/settings_dialog.py" line="190"/>
        <source>None</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/settings_dialog.py" line="190"/>
        <source>Keyboard (wedge)</source>
        <translation>键盘模式</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/settings_dialog.py" line="191"/>
        <source>Serial / USB</source>
        <translation>串口 / USB</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/settings_dialog.py" line="192"/>
        <source>Port</source>
        <translation>端口</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/settings_dialog.py" line="194"/>
        <source>Baud rate</source>
        <translation>波特率</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/settings_dialog.py" line="195"/>
        <source>Ends with</source>
        <translation>结束符</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/settings_dialog.py" line="197"/>
        <source>Wedge prefix</source>
        <translation>键盘模式前缀</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/settings_dialog.py" line="198"/>
        <source>Wedge suffix</source>
        <translation>键盘模式后缀</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/settings_dialog.py" line="199"/>
        <source>Test scan: scan a payment code now.</source>
        <translation>测试扫码：现在请扫描一个付款码。</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/settings_dialog.py" line="205"/>
        <location filename="../../cashier/ui/settings_dialog.py" line="206"/>
        <source>Printer</source>
        <translation>打印机</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/settings_dialog.py" line="209"/>
        <source>Paper width (mm)</source>
        <translation>纸宽（毫米）</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/settings_dialog.py" line="211"/>
        <source>Encoding</source>
        <translation>编码</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/settings_dialog.py" line="212"/>
        <source>Print the receipt automatically</source>
        <translation>自动打印小票</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/settings_dialog.py" line="213"/>
        <source>Test print</source>
        <translation>打印测试页</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/settings_dialog.py" line="221"/>
        <source>Display</source>
        <translation>显示</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/settings_dialog.py" line="222"/>
        <source>Customer display</source>
        <translation>顾客显示屏</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/settings_dialog.py" line="223"/>
        <source>Second screen if there is one</source>
        <translation>如有第二块屏幕则使用</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/settings_dialog.py" line="225"/>
        <source>Screen</source>
        <translation>屏幕</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/settings_dialog.py" line="226"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/settings_dialog.py" line="267"/>
        <source>Saved. Restart the terminal to use the new settings.</source>
        <translation>已保存。请重启收银台以使用新设置。</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/settings_dialog.py" line="280"/>
        <source>Test scan: %1 code %2</source>
        <translation>测试扫码：%1 付款码 %2</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/settings_dialog.py" line="293"/>
        <source>Printing…</source>
        <translation>正在打印…</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/settings_dialog.py" line="296"/>
        <source>The test page was printed.</source>
        <translation>测试页已打印。</translation>
    </message>
</context>
<context>
    <name>Terminal</name>
    <message>
        <location filename="../../cashier/ui/app.py" line="61"/>
        <source>Pays at once</source>
        <translation>立即支付成功</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/app.py" line="62"/>
        <source>Confirms on phone</source>
        <translation>手机上确认后成功</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/app.py" line="63"/>
        <source>Declined</source>
        <translation>被拒绝</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/app.py" line="64"/>
        <source>Never settles</source>
        <translation>一直未完成</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/app.py" line="65"/>
        <source>Alipay, pays at once</source>
        <translation>支付宝，立即成功</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/app.py" line="116"/>
        <source>Demo shop</source>
        <translation>演示商店</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/app.py" line="136"/>
        <source>Demo PINs: cashier %1, manager %2</source>
        <translation>演示PIN码：收银员 %1，经理 %2</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/app.py" line="213"/>
        <source>Could not check unfinished sales: %1</source>
        <translation>无法核对未完成的交易：%1</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/app.py" line="237"/>
        <source>Scanner disconnected: %1</source>
        <translation>扫码枪已断开：%1</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/app.py" line="245"/>
        <source>Sign in with your PIN:</source>
        <translation>请输入PIN码登录：</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/app.py" line="246"/>
        <source>Wrong PIN.</source>
        <translation>PIN码错误。</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/app.py" line="272"/>
        <source>Manager&apos;s PIN to change settings:</source>
        <translation>请输入经理PIN码以修改设置：</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/app.py" line="283"/>
        <source>Settings saved; restart the terminal to use them.</source>
        <translation>设置已保存；请重启收银台以生效。</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/app.py" line="294"/>
        <source>Choose a printer first.</source>
        <translation>请先选择打印机。</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/app.py" line="327"/>
        <location filename="../../cashier/ui/app.py" line="339"/>
        <source>No receipt printer is configured.</source>
        <translation>未配置小票打印机。</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/app.py" line="347"/>
        <source>Printer problem: %1</source>
        <translation>打印机故障：%1</translation>
    </message>
</context>
<context>
    <name>Wallet</name>
    <message>
        <location filename="../../cashier/ui/labels.py" line="21"/>
        <source>Alipay</source>
        <translation>支付宝</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/labels.py" line="22"/>
        <source>WeChat Pay</source>
        <translation>微信支付</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/labels.py" line="23"/>
        <source>UnionPay</source>
        <translation>银联</translation>
    </message>
</context>
</TS>

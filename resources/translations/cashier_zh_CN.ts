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
        <location filename="../../cashier/ui/main_window.py" line="132"/>
        <source>Cashier</source>
        <extracomment>Extra seconds the screen waits beyond the engine&apos;s own deadline (the engine ends the wait).</extracomment>
        <translation>收银台</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/main_window.py" line="137"/>
        <source>Something went wrong: %1</source>
        <translation>出现问题：%1</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/main_window.py" line="140"/>
        <location filename="../../cashier/ui/main_window.py" line="333"/>
        <source>Payments are not available: the payment engine is not connected.</source>
        <translation>无法收款：支付引擎未连接。</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/main_window.py" line="147"/>
        <location filename="../../cashier/ui/main_window.py" line="239"/>
        <location filename="../../cashier/ui/main_window.py" line="268"/>
        <source>New sale</source>
        <translation>新交易</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/main_window.py" line="150"/>
        <source>DEMO</source>
        <translation>演示</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/main_window.py" line="156"/>
        <source>Demo mode: payments go to the built-in simulator; no real money moves.</source>
        <translation>演示模式：付款发送到内置模拟器，不会产生真实资金往来。</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/main_window.py" line="172"/>
        <source>Scan code: scan the customer&apos;s payment code, or type it here:</source>
        <translation>扫码收款：扫描顾客的付款码，或在此输入：</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/main_window.py" line="178"/>
        <source>Payment code</source>
        <translation>付款码</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/main_window.py" line="181"/>
        <source>Scan code</source>
        <translation>扫码收款</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/main_window.py" line="187"/>
        <source>Show QR:</source>
        <translation>出示二维码：</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/main_window.py" line="199"/>
        <source>Simulate scan (demo):</source>
        <translation>模拟扫码（演示）：</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/main_window.py" line="219"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/main_window.py" line="288"/>
        <source>A code was scanned while a sale is in progress; it was ignored.</source>
        <translation>交易进行中扫到了付款码，已忽略。</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/main_window.py" line="304"/>
        <source>Waiting for customer to confirm on phone</source>
        <translation>等待顾客在手机上确认</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/main_window.py" line="311"/>
        <source>Scan or type the customer&apos;s payment code first.</source>
        <translation>请先扫描或输入顾客的付款码。</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/main_window.py" line="326"/>
        <source>Ask the customer to scan the QR code with %1</source>
        <translation>请顾客用%1扫描二维码</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/main_window.py" line="345"/>
        <source>Payment</source>
        <translation>付款</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/main_window.py" line="348"/>
        <source>Sending…</source>
        <translation>正在发送…</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/main_window.py" line="376"/>
        <source>Order %1</source>
        <translation>订单 %1</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/main_window.py" line="388"/>
        <source>Please confirm the payment on your phone</source>
        <translation>请在手机上确认付款</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/main_window.py" line="400"/>
        <source>%1 s left</source>
        <translation>剩余 %1 秒</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/main_window.py" line="427"/>
        <source>Late payment: order %1 (%2) was paid after you stopped waiting. Check it in History and keep or refund it.</source>
        <translation>延迟付款：订单 %1（%2）在您停止等待后才支付成功。请在历史记录中查看，保留或退款。</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/main_window.py" line="438"/>
        <source>Result</source>
        <translation>结果</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/main_window.py" line="441"/>
        <source>PAID</source>
        <translation>已支付</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/main_window.py" line="444"/>
        <source>DECLINED</source>
        <translation>已拒绝</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/main_window.py" line="447"/>
        <source>NOT PAID</source>
        <translation>未支付</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/main_window.py" line="448"/>
        <source>The customer did not pay in time; the order was closed. Start a new sale to try again.</source>
        <translation>顾客未在规定时间内付款，订单已关闭。请开始新交易重试。</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/main_window.py" line="451"/>
        <source>NOT CONFIRMED</source>
        <translation>未确认</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/main_window.py" line="452"/>
        <source>No final answer from the gateway yet. The sale keeps being checked; do not take another payment for it until it settles.</source>
        <translation>支付网关尚未给出最终结果。系统会继续查询该交易；在结果确定前请勿再次收款。</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/main_window.py" line="466"/>
        <source>The payment was declined. Ask the customer to pay another way or with another card in the wallet.</source>
        <translation>付款被拒绝。请顾客换一种方式付款，或使用钱包中的其他银行卡。</translation>
    </message>
</context>
<context>
    <name>Terminal</name>
    <message>
        <location filename="../../cashier/ui/app.py" line="49"/>
        <source>Pays at once</source>
        <translation>立即支付成功</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/app.py" line="50"/>
        <source>Confirms on phone</source>
        <translation>手机上确认后成功</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/app.py" line="51"/>
        <source>Declined</source>
        <translation>被拒绝</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/app.py" line="52"/>
        <source>Never settles</source>
        <translation>一直未完成</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/app.py" line="53"/>
        <source>Alipay, pays at once</source>
        <translation>支付宝，立即成功</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/app.py" line="99"/>
        <source>Demo shop</source>
        <translation>演示商店</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/app.py" line="172"/>
        <source>Could not check unfinished sales: %1</source>
        <translation>无法核对未完成的交易：%1</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/app.py" line="196"/>
        <source>Scanner disconnected: %1</source>
        <translation>扫码枪已断开：%1</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/app.py" line="209"/>
        <source>No receipt printer is configured.</source>
        <translation>未配置小票打印机。</translation>
    </message>
    <message>
        <location filename="../../cashier/ui/app.py" line="217"/>
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

"""5. Receipt: ``render_receipt`` of a typical sale with a QR code, to ESC/POS bytes.

Baseline: python-escpos ``Dummy`` with one line of text and a cut, i.e. the library's own floor.
"""

from __future__ import annotations

from datetime import datetime

from escpos.printer import Dummy

from benchmarks.context import Context
from benchmarks.core import Row, Target, hot_spots, time_calls
from cashier.devices.receipt import ReceiptData, ReceiptLine, ReceiptStyle, render_receipt

BENCH = "5 receipt"

SALE = ReceiptData(
    merchant_name="Maple Leaf Tea House", merchant_address="123 King St W, Toronto",
    timestamp=datetime(2026, 11, 23, 15, 4, 5), operator="0000020156",
    wallet_label="WeChat Pay", amount_cents=4_560, tip_cents=500,
    order_id="261123150405T001K7M2QX9A", gateway_order_id="4200001234202611230123456789",
    masked_code="1345**********0000",
    lines=(ReceiptLine("Bubble tea (large)", 1_290), ReceiptLine("Matcha latte", 1_170),
           ReceiptLine("Egg tart x2", 900), ReceiptLine("Pineapple bun x4", 1_200)),
    footer="Thank you! 谢谢惠顾",
)


def _plain() -> bytes:
    printer = Dummy()
    printer.text("Thank you\n")
    printer.cut()
    return printer.output


def run(ctx: Context) -> list[Row]:
    n = 50 if ctx.quick else 300
    native = ReceiptStyle()  # 80 mm, gb18030, QR with the printer's own GS ( k command
    image = ReceiptStyle(native_qr=False)  # QR rasterised and sent as an image
    narrow = ReceiptStyle(columns=32, encoding="cp437")
    out = render_receipt(SALE, native)
    assert out.startswith(b"\x1b@") and b"\x1dV" in out and SALE.order_id.encode() in out
    base = Row(BENCH, "baseline: python-escpos Dummy, one text line + cut", "ms",
               time_calls(_plain, n), is_baseline=True)
    rows = [
        base,
        Row(BENCH, "render_receipt, 4 items + native QR (GS ( k), 80 mm gb18030", "ms",
            time_calls(lambda: render_receipt(SALE, native), n), Target("<", 10), base,
            note=f"{len(out)} bytes"),
        Row(BENCH, "render_receipt, QR sent as a raster image", "ms",
            time_calls(lambda: render_receipt(SALE, image), n), Target("<", 10), base,
            note=f"{len(render_receipt(SALE, image))} bytes; for printers without native QR"),
        Row(BENCH, "render_receipt, 58 mm cp437 (code page lookup)", "ms",
            time_calls(lambda: render_receipt(SALE, narrow), n), Target("<", 10), base),
    ]
    for row, style in zip(rows[1:], (native, image, narrow), strict=True):
        if row.status == "MISSED":
            row.note += "; hot spots (cProfile, own time): " + hot_spots(
                lambda style=style: render_receipt(SALE, style), 20)
    return rows

"""cashier: a cashier terminal for WeChat Pay, Alipay and UnionPay through OTT Pay."""

__version__ = "0.1.0"

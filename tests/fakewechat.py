"""`python -m tests.fakewechat`: the fake WeChat API (bench/ runs it this way); the code is in tests/support/."""

from tests.support.fakewechat import FakeWeChat, main

__all__ = ["FakeWeChat", "main"]

if __name__ == "__main__":
    main()

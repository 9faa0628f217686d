"""The chat side of Xiang'an: webhook, dialogue engine, NLU, settings and WeChat delivery."""

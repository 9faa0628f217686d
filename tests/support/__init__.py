"""Helpers the tests share: the live server, the fake WeChat API, people and cadres in the database, transcripts."""

"""Reaching people (issue 22): channels (WeCom and DingTalk group robots, e-mail), the
digest texts, and the dispatcher that decides who gets what and keeps the delivery log.

- ``channels``: sending one message to one channel (signing, rate limit, retries)
- ``messages``: the digest texts (markdown for robots, text + HTML for e-mail)
- ``dispatch``: reminders and escalations due on a day, de-duplicated, logged; circulars
"""

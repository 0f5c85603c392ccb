"""Every sentence the bot says, per language, in one place. Chinese and English are complete;
any other language falls back to English."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "unknown_command": "I don't know that command. Send /help to see what I can do.",
        "handoff_resumed": "Hi again! Tell me what happened (no passwords, codes or seed "
                           "phrases). Send /human to reach our team.",
        "handoff_used": "That link was already used. Just tell me here what you need.",
        "handoff_expired": "That link has expired. Just tell me here what you need.",
        "handoff_unknown": "I couldn't match that link to a conversation. Tell me here what you need.",
        "ticket_in_private": "Ticket details are private: send /ticket to me in a private chat.",
        "ticket_not_found": "I can't find a ticket with that reference among yours. Check the "
                            "reference, or send /ticket to list your tickets.",
        "no_tickets": "You have no tickets. Send /human if you need our team.",
        "your_tickets": "Your tickets:",
        "ticket_detail": "Ticket {ref}: {status}. Topic: {topic}. Priority: {priority}.",
        "status_open": "open, waiting for our team",
        "status_pending": "waiting for your reply",
        "status_resolved": "resolved",
        "status_closed": "closed",
        "faq_answer": "{answer}",
        "more": "More: {link}",
        "earlier_answer": "This was answered here a few minutes ago: {where}",
        "earlier_here": "see the bot's answer just above",
        "private_pointer": "This one depends on your own account, so let's continue in a private "
                           "chat with me. Please don't post account details here.",
        "handoff_public": "I can't look into individual accounts in public. Let's continue in a "
                          "private chat with me. Please don't post account details here.",
        "handoff_human": "A team member can help you privately. Open a private chat with me to "
                         "continue. Staff never DM you first.",
        "handoff_private": "You asked in {place} about {topic}. Let's continue here, privately. "
                           "Tell me what happened (no passwords, codes or seed phrases: nobody "
                           "needs them, including me). Send /human to reach our team.",
        "private_answer_suffix": "If this doesn't settle it, send /human and our team will "
                                 "follow up.",
        "dm_unmatched": "I don't have a ready answer for that. Send /help to see what I can do, "
                        "or /human to reach our team.",
        "dm_small_talk": "Hi! I'm the {brand} support bot. Ask me a question, or send /help.",
        "case_private": "I can't change or check accounts myself. Send /human and a team member "
                        "will take this up with you here.",
        "ticket_opened": "I've opened ticket {ref} for you. Our team will answer here. Send "
                         "/ticket {ref} any time to see where it stands.",
        "ticket_added": "(This was added to your open ticket {ref}.)",
        "staff_ticket": "🎫 {ref} [{priority}] {state} · {channel} · {user} · {topic}\n"
                        "Reason: {reason}\nSummary: {summary}\nOrigin: {link}\n"
                        "Reply to this post, or /reply {ref} <text>, to answer the member.",
        "topic_general": "your question",
        "place_group": "the group",
        "place_x": "a post on X",
        "button_dm": "Continue privately",
        "help": "I'm the {brand} support bot. Ask a question in plain words (English or 中文) "
                "and I'll answer from our help centre{help_center}.\n"
                "/ticket [REF]: your tickets\n/human: talk to our team\n"
                "/verify @name: is this account official?\n"
                "Staff never DM you first and never ask for passwords, codes or seed phrases.",
        "help_mod": "Moderators: /escalate (reply to a message, or @user / message link) "
                    "[reason] [!urgent|!high], /tickets [open|mine|overdue|urgent], "
                    "/assign REF @mod, /reply REF text, /note REF text, /close REF [note], "
                    "/reopen REF, /reload, /stats",
    },
    "zh": {
        "unknown_command": "我不认识这个命令。发送 /help 查看我能做什么。",
        "handoff_resumed": "你好！请描述发生了什么（不要发送密码、验证码或助记词）。发送 /human 可转人工。",
        "handoff_used": "这个链接已经用过了。直接在这里告诉我你需要什么。",
        "handoff_expired": "这个链接已过期。直接在这里告诉我你需要什么。",
        "handoff_unknown": "这个链接对应不到会话。直接在这里告诉我你需要什么。",
        "ticket_in_private": "工单详情只能私聊查看：请在私聊中向我发送 /ticket。",
        "ticket_not_found": "在你的工单中找不到这个工单号。请核对，或发送 /ticket 查看你的工单。",
        "no_tickets": "你目前没有工单。如需人工帮助，请发送 /human。",
        "your_tickets": "你的工单：",
        "ticket_detail": "工单 {ref}：{status}。主题：{topic}。优先级：{priority}。",
        "status_open": "处理中，等待工作人员回复",
        "status_pending": "等待你的回复",
        "status_resolved": "已解决",
        "status_closed": "已关闭",
        "faq_answer": "{answer}",
        "more": "详情：{link}",
        "earlier_answer": "几分钟前已在这里回答过：{where}",
        "earlier_here": "请看上方机器人的回答",
        "private_pointer": "这个问题涉及你自己的账户，我们私聊继续吧。请不要在群里发布账户信息。",
        "handoff_public": "公开场合无法查看个人账户。我们私聊继续吧，请不要在这里发布账户信息。",
        "handoff_human": "工作人员可以私下帮你。请打开与我的私聊继续。工作人员绝不会主动私信你。",
        "handoff_private": "你在{place}问到了{topic}。我们在这里私下继续。请描述发生了什么"
                           "（不要发送密码、验证码或助记词：任何人都不需要，包括我）。"
                           "发送 /human 可转人工。",
        "private_answer_suffix": "如果还没解决，请发送 /human，工作人员会跟进。",
        "dm_unmatched": "这个问题我暂时没有现成的答案。发送 /help 查看我能做什么，或发送 /human 转人工。",
        "dm_small_talk": "你好！我是{brand}客服机器人。直接提问，或发送 /help。",
        "case_private": "我无法自行查看或修改账户。发送 /human，工作人员会在这里跟进。",
        "ticket_opened": "已为你创建工单 {ref}，工作人员会在这里回复你。随时发送 /ticket {ref} 查看进度。",
        "ticket_added": "（已并入你未结的工单 {ref}。）",
        "topic_general": "你的问题",
        "place_group": "群里",
        "place_x": "X（推特）上",
        "button_dm": "私聊继续",
        "help": "我是{brand}客服机器人。用中文或英文直接提问，我会根据帮助中心{help_center}回答。\n"
                "/ticket [工单号]：查看你的工单\n/human：转人工\n/verify @用户名：核实是否官方账号\n"
                "工作人员绝不会主动私信你，也绝不会索要密码、验证码或助记词。",
        "help_mod": "管理员：/escalate（回复某条消息，或 @用户 / 消息链接）[原因] [!urgent|!high]，"
                    "/tickets [open|mine|overdue|urgent]，/assign 工单号 @管理员，/reply 工单号 内容，"
                    "/note 工单号 内容，/close 工单号 [备注]，/reopen 工单号，/reload，/stats",
    },
}

SUPPORTED = tuple(TEXTS)


def say(key: str, lang: str, **values: object) -> str:
    """The sentence `key` in `lang` (English when the language has none), filled in."""
    table = TEXTS.get(lang) or TEXTS["en"]
    template = table.get(key) or TEXTS["en"][key]
    return template.format(**values) if values else template


def reply_language(lang: str) -> str:
    return lang if lang in TEXTS else "en"

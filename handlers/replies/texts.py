"""Every sentence the bot says, per language, in one place. Chinese and English are complete;
any other language falls back to English."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "reminder": "Reminder: staff never DM you first and never ask for passwords, codes or "
                    "seed phrases.",
        "secret_seed": "recovery phrase",
        "secret_key": "private key",
        "secret_api": "API secret",
        "secret_password": "password",
        "secret_code": "security code",
        "secret_removed": "⚠️ I removed a message that contained a {what}. {who}, the next steps "
                          "are in a private chat with me. Everyone: staff never ask for seed "
                          "phrases, keys, passwords or codes.",
        "secret_x_reply": "{who} please delete your post now: it contains a {what}. Treat it as "
                          "compromised; the next steps are in our DMs.",
        "secret_steps_seed": "Treat that wallet as compromised: create a new wallet with a new "
                             "phrase on a device you trust and move your funds there now. Never "
                             "type the phrase into a website or send it to anyone.",
        "secret_steps_key": "Treat that key as compromised: move the funds to a new wallet now, "
                            "from a device you trust.",
        "secret_steps_api": "Delete that API key now (API Management), check your recent orders "
                            "and withdrawals, and create a new key restricted to your server's IP.",
        "secret_steps_password": "Change your password now (and anywhere you reused it), then "
                                 "check your devices and login history.",
        "secret_steps_code": "Codes are only for you. If you did not request it, change your "
                             "password now and check your login history.",
        "secret_dm": "You shared a {what} in public. {steps} Nobody from our team will ever ask "
                     "for it.",
        "secret_private": "Please never send a {what} to anyone, me included: I have not stored "
                          "it. {steps}",
        "scam_warning": "⚠️ Careful: a recent message here looks like a scam ({why}). Official "
                        "accounts: {accounts}. Admins never DM first and never ask for seed "
                        "phrases, keys, codes or 'wallet validation'.",
        "scam_private": "That has the marks of a scam ({why}). Don't click its links, don't send "
                        "anything, don't share any code or phrase. Official accounts: {accounts}.",
        "impersonator_warning": "⚠️ {who} is not part of the {brand} team. Official accounts: "
                                "{accounts}. Admins never DM first.",
        "urgent_public": "This sounds urgent: our team has been alerted (case {ref}). If you can "
                         "still log in, change your password and 2FA now and delete your API "
                         "keys. Continue with me privately; never share codes or your seed phrase.",
        "urgent_private": "I've opened urgent case {ref} and alerted our team. Right now, if you "
                          "can still log in: change your password, reset 2FA, delete all API "
                          "keys and check your withdrawal addresses. Our team will contact you "
                          "here.",
        "staff_member_wrote": "💬 {ref}{state} {user} wrote:\n{text}\n"
                              "Reply to this post, or /reply {ref} <text>.",
        "staff_overdue": "⏰ {ref} [{priority}] {user} · {topic}: no first response, {minutes} min "
                         "past its target.",
        "staff_ticket_changed": "🎫 {ref} {what} by {actor}.",
        "staff_cannot": "⚠️ I could not {op} in chat {chat} (user {user}, check {check}): {reason}. "
                        "Please act by hand, and check the bot's admin rights.",
        "staff_forwarded": "📨 {user} forwarded a private message from {sender}: {why}.",
        "staff_maybe_delivered": "⏳ {ref}: Telegram confirmed the answer to the member too late; "
                                 "it probably arrived and was not sent again. Check with the "
                                 "member if it matters.",
        "staff_digest": "📋 {count} staff updates while this chat was at its message limit "
                        "(urgent ones were posted on their own):",
        "staff_dm_failed": "📭 I could not message {user} privately{ref} ({error}). {what}",
        "staff_dm_failed_button": "A button to open a private chat with me was posted under their "
                                  "message instead.",
        "staff_dm_failed_nothing": "They will only see it if they write to me; reach them another "
                                   "way if it matters.",
        "staff_unmanaged_group": "👀 I am in a group that is not in telegram.managed_groups: "
                                 "{title} (id {chat}){added_by}. {what} If it is ours, add its "
                                 "id to telegram.managed_groups and send /reload.",
        "staff_secret": "🔑 {kind} posted by {user} in {place} ({channel}); {done}. Check: {why}.",
        "staff_scam": "🚩 scam by {user} in {place} ({channel}): {why}. Action: {done}.",
        "staff_impersonator": "👤 {user} in {place} ({channel}) resembles @{resembles}: {why}. "
                              "Action: {done}.",
        "staff_dry_run": "[dry run] would {actions} for {user} in {place} ({channel}): {why}.",
        "not_moderator": "Sorry, only moderators can do that. If you need help, send /human.",
        "ticket_commands_place": "Ticket commands work in the staff chat or in a private chat "
                                 "with me, not in the group.",
        "usage": "Usage: {usage}",
        "verify_official": "✅ @{name} is an official account. All official accounts: {accounts}.",
        "verify_not_official": "❌ @{name} is NOT one of our accounts. The official accounts are "
                               "only: {accounts}. Staff never DM first.",
        "verify_imitation": "❌ @{name} is NOT one of our accounts: it imitates @{resembles}. The "
                            "official accounts are only: {accounts}. Please report it.",
        "escalated_public": "Passed to our team as {ref}. {who}, we'll continue in a private chat "
                            "with me; "
                            "please don't post account details here.",
        "escalated_private": "A moderator passed your message to our team: ticket {ref}. We'll "
                             "answer here. Send /ticket {ref} any time to see where it stands.",
        "staff_reply_to_member": "Our team answered on {ref}:\n{text}\n\n(Reply here to continue.)",
        "closed_to_member": "Your ticket {ref} is closed.{note} If something is still wrong, "
                            "just write here within {hours} hours and it reopens.",
        "reopened_to_member": "Your ticket {ref} is open again; our team will answer here.",
        "added_to_ticket": "Added to your ticket {ref}; our team will answer here.",
        "ticket_reopened_by_member": "Your ticket {ref} is open again; our team will answer here.",
        "no_such_ticket": "There is no ticket {ref}.",
        "escalate_unknown_user": "I haven't seen @{name} here, so I can't open a ticket for them. "
                                 "Reply to one of their messages with /escalate instead.",
        "escalate_unknown_link": "I can't find that message. Reply to it with /escalate instead.",
        "mod_done": "{ref}: {what}.",
        "mod_list_empty": "No {which} tickets.",
        "mod_list": "{which} tickets ({count}):\n{lines}",
        "reloaded": "Reloaded: {entries} FAQ entries, config ok.",
        "reload_failed": "Reload failed, still running the previous files: {error}",
        "staff_reloaded_on_change": "🔄 The config or FAQ file changed on disk: reloaded, {entries} "
                                    "FAQ entries.",
        "staff_reload_refused_on_change": "⚠️ The config or FAQ file changed on disk but was refused; "
                                          "still running the previous files: {error}",
        "stats": "Since the database was created: {counters}\nTickets: {tickets}",
        "moderator_private": "(Sent to you privately.)",
        "x_dm_closed": "{who} I couldn't message you privately. Please send us a DM: {link} "
                       "(never post account details or codes publicly).",
        "staff_channel_stopped": "⚠️ The {channel} channel stopped: {why}. {what}",
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
        "staff_ticket": "{icon} {ref} [{priority}] {state} · {channel} · {user} · {topic}\n"
                        "Reason: {reason}\nSummary: {summary}\nOrigin: {link}\n"
                        "Reply to this post, or /reply {ref} <text>, to answer the member.",
        "ticket_unsettled": "I can't answer this one, so I've passed it to our team: ticket {ref}. "
                            "They'll reply here.",
        "topic_general": "your question",
        "place_group": "the group",
        "place_x": "a post on X",
        "button_dm": "Continue privately",
        "dm_unreachable_public": "{who}, I can't message you until you open a private chat with "
                                 "me: tap the button below. Staff never DM you first.",
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
        "reminder": "提醒：工作人员绝不会主动私信你，也绝不会索要密码、验证码或助记词。",
        "secret_seed": "助记词",
        "secret_key": "私钥",
        "secret_api": "API 密钥",
        "secret_password": "密码",
        "secret_code": "验证码",
        "secret_removed": "⚠️ 我删除了一条包含{what}的消息。{who}，后续步骤在与我的私聊中。各位注意："
                          "工作人员绝不会索要助记词、私钥、密码或验证码。",
        "secret_x_reply": "{who} 请立即删除这条帖子：其中包含{what}。请视为已泄露，后续步骤请查看我们的私信。",
        "secret_steps_seed": "请把这个钱包视为已泄露：立即在可信设备上新建钱包（新的助记词），并马上把资产转过去。"
                             "不要把助记词输入任何网站，也不要发给任何人。",
        "secret_steps_key": "请把这个私钥视为已泄露：立即在可信设备上把资产转到新钱包。",
        "secret_steps_api": "请立即删除这个 API Key（API 管理），检查最近的订单和提现，并新建一个绑定服务器 IP 的 Key。",
        "secret_steps_password": "请立即修改密码（以及其他用了相同密码的地方），并检查登录设备和登录记录。",
        "secret_steps_code": "验证码只属于你自己。如果不是你本人申请的，请立即修改密码并检查登录记录。",
        "secret_dm": "你在公开场合发送了{what}。{steps}我们的工作人员绝不会向你索要它。",
        "secret_private": "请不要把{what}发给任何人，包括我：我没有保存它。{steps}",
        "scam_warning": "⚠️ 注意：这里刚才有一条消息疑似诈骗（{why}）。官方账号：{accounts}。管理员绝不会主动私信，"
                        "也绝不会索要助记词、私钥、验证码或要求“验证钱包”。",
        "scam_private": "这条消息具有诈骗特征（{why}）。不要点击其中的链接，不要转账，不要透露任何验证码或助记词。"
                        "官方账号：{accounts}。",
        "impersonator_warning": "⚠️ {who} 不是{brand}的工作人员。官方账号：{accounts}。管理员绝不会主动私信你。",
        "urgent_public": "情况紧急：已通知工作人员（工单 {ref}）。如果还能登录，请立即修改密码和二次验证，并删除 API Key。"
                         "请与我私聊继续；不要透露验证码或助记词。",
        "urgent_private": "已为你创建紧急工单 {ref} 并通知工作人员。如果还能登录，请立即：修改密码、重置二次验证、"
                          "删除所有 API Key、检查提币地址白名单。工作人员会在这里联系你。",
        "not_moderator": "抱歉，只有管理员可以执行这个操作。如需帮助，请发送 /human。",
        "ticket_commands_place": "工单命令请在工作人员群或与我的私聊中使用，不要在群里使用。",
        "usage": "用法：{usage}",
        "verify_official": "✅ @{name} 是官方账号。全部官方账号：{accounts}。",
        "verify_not_official": "❌ @{name} 不是我们的账号。官方账号只有：{accounts}。工作人员绝不会主动私信你。",
        "verify_imitation": "❌ @{name} 不是我们的账号：它在冒充 @{resembles}。官方账号只有：{accounts}。请举报它。",
        "escalated_public": "已转交工作人员，工单 {ref}。{who}，我们会在与我的私聊中继续；请不要在这里发布账户信息。",
        "escalated_private": "管理员已把你的消息转交给工作人员：工单 {ref}。我们会在这里回复你。随时发送 /ticket {ref} 查看进度。",
        "staff_reply_to_member": "工作人员回复了工单 {ref}：\n{text}\n\n（直接在这里回复即可继续。）",
        "closed_to_member": "你的工单 {ref} 已关闭。{note}如果问题仍未解决，{hours} 小时内在这里留言即可重新打开。",
        "reopened_to_member": "你的工单 {ref} 已重新打开，工作人员会在这里回复你。",
        "added_to_ticket": "已添加到你的工单 {ref}，工作人员会在这里回复你。",
        "ticket_reopened_by_member": "你的工单 {ref} 已重新打开，工作人员会在这里回复你。",
        "x_dm_closed": "{who} 我无法私信你。请通过这里给我们发私信：{link}（切勿公开发布账户信息或验证码）。",
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
        "ticket_unsettled": "这个问题我答不上来，已转交工作人员：工单 {ref}。他们会在这里回复你。",
        "topic_general": "你的问题",
        "place_group": "群里",
        "place_x": "X（推特）上",
        "button_dm": "私聊继续",
        "dm_unreachable_public": "{who}，你还没有打开与我的私聊，我无法私信你：请点击下方按钮。"
                                 "工作人员绝不会主动私信你。",
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

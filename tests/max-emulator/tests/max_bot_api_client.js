// Drives the emulator with the official TypeScript client `@maxhub/max-bot-api` through every
// call a chat-keeping bot makes, playing people through `/_emulator/act`. Prints one JSON object
// of what it saw; exits 3 when the package cannot be loaded, 1 on any other failure.
//
//   node max_bot_api_client.js BASE_URL TOKEN BOT_ID NODE_MODULES_DIR
'use strict';

const path = require('node:path');

const [base, token, botIdText, modules] = process.argv.slice(2);
const botId = Number(botIdText);

let lib;
try {
  lib = require(path.join(modules, '@maxhub', 'max-bot-api'));
} catch (e) {
  console.error(`cannot load @maxhub/max-bot-api from ${modules}: ${e.message}`);
  process.exit(3);
}
const { Bot, MaxError } = lib;

async function act(body) {
  const res = await fetch(`${base}/_emulator/act`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = await res.json();
  if (res.status !== 200) throw new Error(`act ${JSON.stringify(body)}: ${JSON.stringify(answer)}`);
  return answer;
}

async function main() {
  const bot = new Bot(token, { clientOptions: { baseUrl: base } });
  const api = bot.api;
  const out = {};

  out.me = (await api.getMyInfo()).username;

  // A teacher creates the staff chat and adds the bot as an admin.
  const owner = 1001;
  await act({ action: 'add_person', user_id: 2001, first_name: 'Анна' });
  await act({ action: 'add_person', user_id: 2002, first_name: 'Борис', privacy: true });
  const { chat_id: chatId } = await act({ action: 'create_chat', by: owner, title: 'Учительская', members: [1002] });
  await act({
    action: 'add_bot', chat_id: chatId, by: owner, bot_id: botId,
    admin: ['read_all_messages', 'add_remove_members', 'add_admins', 'change_chat_info', 'edit_link'],
  });

  // The chat register: bot_added through GET /updates with a marker kept by the bot.
  const updates = await api.getUpdates(['bot_added', 'bot_removed'], { marker: 1, timeout: 0 });
  out.registered = updates.updates.map((u) => [u.update_type, u.chat_id]);
  out.marker = updates.marker;

  const chat = await api.getChat(chatId);
  out.chat = { title: chat.title, status: chat.status, link: chat.link };
  out.membership = (await api.getChatMembership(chatId)).permissions;

  out.edited = (await api.editChatInfo(chatId, { title: 'Учительская 2026' })).title;

  out.added = await api.addChatMembers(chatId, [2001, 2002]);
  out.members = (await api.getChatMembers(chatId, { count: 100 })).members.map((m) => m.user_id);
  out.some = (await api.getChatMembers(chatId, { user_ids: [2001, 9] })).members.map((m) => m.user_id);
  out.removed = await api.removeChatMember(chatId, 1002);

  out.granted = await api.addChatAdmins(chatId, [{ user_id: 2001, permissions: ['read_all_messages', 'pin_message'] }]);
  out.admins = (await api.getChatAdmins(chatId)).members.map((m) => [m.user_id, m.permissions]);
  out.revoked = await api.removeChatAdmin(chatId, 2001);

  // The removed chat list: the client sees the service's error.
  try {
    await api.getAllChats();
    out.chat_list = 'served';
  } catch (e) {
    out.chat_list = e instanceof MaxError ? [e.status, e.code] : String(e);
  }

  // Deep-link binding: a parent opens https://max.ru/<bot>?start=<payload>; the bot's
  // long-polling loop gets bot_started and answers in the dialog.
  const started = new Promise((resolve) => {
    bot.on('bot_started', async (ctx) => {
      const message = await api.sendMessageToUser(ctx.user.user_id, 'Готово', {
        attachments: [{
          type: 'inline_keyboard',
          payload: { buttons: [[{ type: 'link', text: 'Чат класса', url: chat.link }]] },
        }],
      });
      resolve({ payload: ctx.startPayload, user: ctx.user.user_id, mid: message.body.mid });
    });
  });
  bot.start({ mode: 'polling', options: { allowedUpdates: ['bot_started'] } });
  await new Promise((r) => setTimeout(r, 300));
  await act({ action: 'start_bot', user_id: 3001, bot_id: botId, payload: 'bind-person-17' });
  out.bound = await started;
  bot.stop();

  out.sent = (await api.sendMessageToChat(chatId, 'Ссылка на чат')).recipient.chat_id;
  console.log(JSON.stringify(out));
}

main().then(() => process.exit(0)).catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  process.exit(1);
});

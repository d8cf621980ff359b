import type { Conversation } from '../api/types';

/** How the panel names a chat: the user's name when known, else the chat id. */
export function conversationName(conversation: Pick<Conversation, 'user_name' | 'chat_id'>): string {
  return conversation.user_name || conversation.chat_id;
}

/** The newest message, if any (messages come oldest first). */
export function lastMessage(conversation: Pick<Conversation, 'messages'>) {
  return conversation.messages.at(-1);
}

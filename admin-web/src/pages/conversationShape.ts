// GET /api/conversations is specified only as "recent conversations with their
// last messages", so the panel accepts the likely shapes and field names.

export interface ConversationMessage {
  side: 'user' | 'bot';
  author: string;
  text: string;
  at?: string;
}

export interface Conversation {
  key: string;
  channel: string;
  title: string;
  updatedAt?: string;
  messages: ConversationMessage[];
}

type Json = Record<string, unknown>;

const asObject = (value: unknown): Json | null =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : null;

const firstString = (object: Json, keys: string[]): string | undefined => {
  for (const key of keys) {
    const value = object[key];
    if (typeof value === 'string' && value) return value;
    if (typeof value === 'number') return String(value);
  }
  return undefined;
};

export function normalizeConversations(data: unknown): Conversation[] {
  const list = Array.isArray(data) ? data : (asObject(data)?.conversations ?? asObject(data)?.items);
  if (!Array.isArray(list)) return [];
  return list.map((item, index) => {
    const object = asObject(item) ?? {};
    const messages = object.messages ?? object.last_messages;
    return {
      key: firstString(object, ['id', 'conversation_id']) ?? `#${index}`,
      channel: firstString(object, ['channel']) ?? '?',
      title:
        firstString(object, ['user_name', 'title', 'chat_title', 'chat_id', 'external_id', 'id']) ?? `#${index + 1}`,
      updatedAt: firstString(object, ['updated_at', 'last_message_at', 'created_at']),
      messages: Array.isArray(messages) ? messages.map(normalizeMessage) : [],
    };
  });
}

function normalizeMessage(item: unknown): ConversationMessage {
  const object = asObject(item) ?? {};
  const role = firstString(object, ['role', 'direction', 'from', 'sender']) ?? 'user';
  const side = /^(bot|assistant|out|outbound|outgoing)$/i.test(role) ? 'bot' : 'user';
  return {
    side,
    author: firstString(object, ['user_name', 'author']) ?? role,
    text: firstString(object, ['text', 'content', 'body']) ?? '',
    at: firstString(object, ['created_at', 'at', 'timestamp']),
  };
}

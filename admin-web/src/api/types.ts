// Shapes of the admin API, generated from http/openapi.yaml into schema.d.ts
// (tests/openapi: npm run gen-types; make openapi-lint fails when it is stale).
import type { components, operations } from './schema';

type Schemas = components['schemas'];

/** The JSON body of an operation's answer with this status. */
export type ResponseBody<Op extends keyof operations, Status extends number> = operations[Op]['responses'] extends Record<
  Status,
  { content: { 'application/json': infer Body } }
>
  ? Body
  : never;

/** The JSON body an operation accepts. */
export type RequestBody<Op extends keyof operations> = operations[Op] extends {
  requestBody: { content: { 'application/json': infer Body } };
}
  ? Body
  : operations[Op] extends { requestBody?: { content: { 'application/json': infer Body } } }
    ? Body
    : never;

export type Prompt = Schemas['Prompt'];
export type PromptListItem = Schemas['PromptListItem'];
export type PromptVersion = Schemas['PromptVersion'];
export type NewPrompt = Schemas['NewPrompt'];
export type PromptInput = Schemas['PromptChange'];
export type PreviewRequest = RequestBody<'previewStory'>;
export type PreviewResult = ResponseBody<'previewStory', 200>;
export type Conversation = Schemas['Conversation'];
export type ConversationMessage = Schemas['ConversationMessage'];
export type ConversationQuery = NonNullable<operations['listConversations']['parameters']['query']>;
export type Stats = ResponseBody<'getStats', 200>;
export type Job = Schemas['Job'];
export type JobState = Job['state'];
export type JobRetried = Schemas['JobRetried'];
export type Integration = Schemas['Integration'];
export type IntegrationWithSecret = Schemas['IntegrationWithSecret'];
export type ApiErrorBody = Schemas['Error'];

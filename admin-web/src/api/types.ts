// Shapes of the admin API (http/openapi.yaml).

export interface Prompt {
  id: number;
  title: string;
  content: string;
  enabled: boolean;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface PromptVersion {
  version: number;
  content: string;
  title: string;
  enabled: boolean;
  created_at: string;
}

export interface PromptInput {
  content?: string;
  title?: string;
  enabled?: boolean;
}

export interface PreviewRequest {
  request: string;
  prompt_id?: number;
  variables?: Record<string, string>;
}

export interface PreviewResult {
  story: string;
  prompt_id: number | null;
  engine: string;
}

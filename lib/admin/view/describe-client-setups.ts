/**
 * Copy-paste setups for the clients the README lists, with this deployment's own URL filled
 * in (issue 13 item 5): the quickest way from a fresh deployment to a working client. The
 * key is never filled in — the page does not know any key's text; a placeholder says where
 * it goes. Kept in step with the README's "Client setup" table.
 */
export interface ClientSetup {
  client: string;
  /** What to type or paste, this deployment's URL already in it. */
  setup: string;
  notes?: string;
}

/** Where a key goes in the snippets. */
export const KEY_PLACEHOLDER = '<your API key>';

export function describeClientSetups(origin: string, exampleModel = 'gpt-4.1'): ClientSetup[] {
  const base = origin.replace(/\/+$/, '');
  const v1 = `${base}/v1`;
  return [
    { client: 'Cherry Studio', setup: `Provider type: OpenAI\nAPI host: ${v1}\nAPI key: ${KEY_PLACEHOLDER}`, notes: 'Not "OpenAI-Response". Tool mode Function for MCP.' },
    { client: 'Open WebUI', setup: `Admin → Connections → OpenAI API\nURL: ${v1}\nKey: ${KEY_PLACEHOLDER}`, notes: 'Function Calling "Native" for tools.' },
    { client: 'LobeChat', setup: `Custom OpenAI-compatible provider\nAPI proxy URL: ${v1}\nAPI key: ${KEY_PLACEHOLDER}`, notes: 'Client request mode works (CORS).' },
    { client: 'NextChat', setup: `Custom endpoint: ${base}\nAPI key: ${KEY_PLACEHOLDER}`, notes: 'Without /v1. Add the model ids as custom models.' },
    { client: 'Cline / Roo Code', setup: `API provider: OpenAI Compatible\nBase URL: ${v1}\nAPI key: ${KEY_PLACEHOLDER}\nModel ID: ${exampleModel}` },
    {
      client: 'Continue',
      setup: `models:\n  - name: XIPU ${exampleModel}\n    provider: openai\n    model: ${exampleModel}\n    apiBase: ${v1}/\n    apiKey: ${KEY_PLACEHOLDER}`,
      notes: 'config.yaml; useResponsesApi: false keeps o3/o4-mini on Chat Completions.',
    },
    { client: 'Claude Code', setup: `export ANTHROPIC_BASE_URL=${base}\nexport ANTHROPIC_AUTH_TOKEN=${KEY_PLACEHOLDER}\nclaude`, notes: 'Without /v1: it speaks /v1/messages.' },
    {
      client: 'Codex CLI',
      setup: `# ~/.codex/config.toml\nmodel = "${exampleModel}"\nmodel_provider = "xipu"\n\n[model_providers.xipu]\nname = "XIPU gateway"\nbase_url = "${v1}"\nenv_key = "XIPU_GATEWAY_API_KEY"\nwire_api = "responses"`,
      notes: 'Then export XIPU_GATEWAY_API_KEY and run codex.',
    },
    { client: 'OpenAI SDK', setup: `import OpenAI from 'openai';\nconst client = new OpenAI({ baseURL: '${v1}', apiKey: '${KEY_PLACEHOLDER}', maxRetries: 1 });` },
    { client: 'Anthropic SDK', setup: `import Anthropic from '@anthropic-ai/sdk';\nconst client = new Anthropic({ baseURL: '${base}', apiKey: '${KEY_PLACEHOLDER}' });` },
    { client: 'Vercel AI SDK', setup: `import { createOpenAI } from '@ai-sdk/openai';\nconst xipu = createOpenAI({ baseURL: '${v1}', apiKey: '${KEY_PLACEHOLDER}' });\nconst model = xipu('${exampleModel}');` },
    { client: 'curl', setup: `curl ${v1}/chat/completions \\\n  -H 'Authorization: Bearer ${KEY_PLACEHOLDER}' -H 'Content-Type: application/json' \\\n  -d '{"model":"${exampleModel}","messages":[{"role":"user","content":"Hello"}]}'` },
  ];
}

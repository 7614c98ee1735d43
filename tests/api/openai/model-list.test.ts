import { describe, expect, it } from 'vitest';
import { toModelList, toModelObject } from '@/lib/api/openai/model-list';

describe('model list', () => {
  it('maps a card to an OpenAI Model object', () => {
    expect(toModelObject({ id: 'gpt-4.1', ownedBy: 'xipu', created: 1700000000 })).toEqual({
      id: 'gpt-4.1',
      object: 'model',
      created: 1700000000,
      owned_by: 'xipu',
    });
  });

  it.each([
    ['no models', [], { object: 'list', data: [] }],
    [
      'models in order',
      [
        { id: 'o3', ownedBy: 'xipu', created: 1 },
        { id: 'gpt-4.1', ownedBy: 'other', created: 2 },
      ],
      {
        object: 'list',
        data: [
          { id: 'o3', object: 'model', created: 1, owned_by: 'xipu' },
          { id: 'gpt-4.1', object: 'model', created: 2, owned_by: 'other' },
        ],
      },
    ],
  ])('lists %s', (_name, cards, list) => {
    expect(toModelList(cards)).toEqual(list);
  });
});

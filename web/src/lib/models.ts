/** Catalog models by kind: chat models answer the Playground; embedding models serve `/v1/embeddings`. */
import type { CatalogModel, ChatModel } from './types';

/** Whether a catalog model answers chat completions (every kind but embedding). */
export function isChatModel(model: CatalogModel): model is ChatModel {
  return model.kind !== 'embedding';
}

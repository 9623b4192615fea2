export { createSignatureMiner, type SignatureEntry, type SignatureMiner, type SignatureMinerOptions } from './signature-miner.js';
export {
  createTemplateCatalog,
  type CatalogSignature,
  type Template,
  type TemplateCatalog,
  type TemplateCatalogOptions,
  type TemplateChange,
} from './template-catalog.js';
export { signatureIdOfText, templateIdOfText } from './hash.js';
export { WILDCARD } from './mask.js';

/**
 * The revision of the miner's rules (mask.ts, cluster.ts, lengths.ts, template-catalog.ts): what
 * a store's catalog notes having been mined with. Bump it with any change to what a message's
 * signature text or a group's templates are; a store noted with another revision is re-masked and re-clustered at its next
 * ingest. test/detect/miner-rules.test.ts holds a digest of the rules' output over fixed
 * messages and fails until the digest and this revision are updated together.
 */
export const MINER_RULES = '2026-12-04.17';

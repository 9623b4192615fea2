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

/** Policy XML in and out: parse (with locations and validation), serialize, encode. */
export { parsePolicy, parsePolicyOrThrow, type ParsedPolicy, type ParseOptions } from './parse.js';
export { serializePolicy, encodePolicy, type SerializeOptions, type EncodeOptions } from './serialize.js';
export { formatOptionsOf } from './format.js';
export { decodePolicyInput, encodeText, DEFAULT_MAX_POLICY_BYTES, type PolicyEncoding } from './encoding.js';
export { PolicyLocationMap, NO_LOCATIONS, type PolicyLocations } from './locations.js';
export { buildXmlTree, DEFAULT_XML_TREE_LIMITS, type XmlElement, type XmlTree, type XmlTreeLimits } from './tree.js';
export { POLICY_XML_CODES, type PolicyXmlCode } from './errors.js';

export { JsonNumber, JsonObject, type JsonValue, type WriteOptions, writeJson } from "./json-writer.js";
export {
  type JsonStyle,
  marshalGoJsonList,
  marshalGoJsonMap,
  marshalProtoJson,
  messageJsonValue,
} from "./marshal.js";
export { type MessageCodec, messageDescriptor, protoRegistry, tsPropertyName } from "./registry.js";

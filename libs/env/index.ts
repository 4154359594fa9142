export { BinaryNotFoundError, type BinarySearch, binarySearchDirs, findBinary } from "./binaries.js";
export { vtDataRoot } from "./vtdataroot.js";

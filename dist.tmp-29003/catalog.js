import { authValues, CATALOG_FORMAT, parseRate } from "./chunks/chunk-5LKFIVJH.js";
import "./chunks/chunk-WSFCRVEQ.js";

export { authValues, CATALOG_FORMAT, parseRate };

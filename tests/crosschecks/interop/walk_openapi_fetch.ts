// The walk on openapi-fetch typed by openapi-typescript from our document (tests/test_interop.py), type-checked
// by tsc --strict. Objects are created in both forms the document gives: application/json and multipart.
import createClient from "openapi-fetch";
import type { components, paths } from "./schema.js";

declare const process: { env: Record<string, string | undefined>; exit(code: number): never }; // node, without @types/node

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
function check(ok: boolean, what: string): asserts ok {
  if (!ok) throw new Error(`walk step failed: ${what}`);
}

const client = createClient<paths>({ baseUrl: env("NMS_ROOT"), headers: { Authorization: `Bearer ${env("NMS_TOKEN")}` } });
const box = { storeName: "myStore", boxId: env("NMS_BOX") };
const flag = "\\Seen";
type Body<T extends keyof components["schemas"]> = components["schemas"][T];

async function main(): Promise<void> {
  const folder = await client.POST("/{storeName}/{boxId}/folders", {
    params: { path: box },
    body: { folder: { parentFolderPath: "/", name: "openapi-fetch", attributes: {} } },
  });
  check(folder.response.status === 201 && folder.data !== undefined && "reference" in folder.data, "create folder");
  const folderUrl = folder.data.reference.resourceURL;

  const rootFields: Body<"ObjectBody"> = {
    object: { parentFolder: folderUrl, flags: { flag: [] }, attributes: { attribute: [{ name: "Subject", value: ["walk"] }] } },
  };
  const asJson = await client.POST("/{storeName}/{boxId}/objects", { params: { path: box }, body: rootFields });
  check(asJson.response.status === 201, "create object as JSON");
  const multipart = await client.POST("/{storeName}/{boxId}/objects", {
    params: { path: box },
    body: { "root-fields": rootFields, attachments: "hello" },
    bodySerializer: (body: Body<"ObjectBody"> | { "root-fields": Body<"ObjectBody">; attachments?: string }) => {
      const form = new FormData();
      if ("root-fields" in body) {
        form.append("root-fields", new Blob([JSON.stringify(body["root-fields"])], { type: "application/json" }));
        form.append("attachments", new Blob([body.attachments ?? ""], { type: "text/plain" }), "note.txt");
      }
      return form;
    },
  });
  check(multipart.response.status === 201 && multipart.data !== undefined && "reference" in multipart.data, "create object as multipart");
  const objectUrl = multipart.data.reference.resourceURL;
  const objectId = objectUrl.split("/").pop() as string;
  const one = { path: { ...box, objectId } };

  const got = await client.GET("/{storeName}/{boxId}/objects/{objectId}", { params: one });
  check(got.data?.object.parentFolder === folderUrl, "read the object");
  const payload = await client.GET("/{storeName}/{boxId}/objects/{objectId}/payload", { params: one, parseAs: "text" });
  check(payload.data === "hello", "read the payload");

  const set = await client.PUT("/{storeName}/{boxId}/objects/{objectId}/flags/{flagName}", {
    params: { path: { ...box, objectId, flagName: flag } },
  });
  check(set.response.ok, "set the flag");
  const flags = await client.GET("/{storeName}/{boxId}/objects/{objectId}/flags", { params: one });
  check(flags.data?.flagList.flag?.includes(flag) === true, "the flag is set");

  const found = await client.POST("/{storeName}/{boxId}/objects/operations/search", {
    params: { path: box },
    body: { selectionCriteria: { maxEntries: 10, searchScope: { resourceURL: folderUrl }, searchCriteria: { criterion: [{ type: "Flag", name: flag, value: "true" }] } } },
  });
  check(found.data !== undefined && "objectList" in found.data && found.data.objectList.object?.[0]?.resourceURL === objectUrl, "search");

  const refs: Body<"ObjectReferenceList"> = { objectReference: [{ resourceURL: objectUrl }] };
  const copied = await client.POST("/{storeName}/{boxId}/folders/operations/copyToFolder", {
    params: { path: box },
    body: { targetSourceRef: { targetRef: { resourceURL: folderUrl }, sourceRefs: { folders: { folderReference: [] }, objects: refs } } },
  });
  check(copied.data?.bulkResponseList.response[0]?.code === 201, "copy");
  const deleted = await client.DELETE("/{storeName}/{boxId}/objects/operations/bulkDelete", {
    params: { path: box },
    body: { bulkDelete: { objects: refs } },
  });
  check(deleted.data?.bulkResponseList.response[0]?.code === 200, "bulk delete");

  const gone = await client.GET("/{storeName}/{boxId}/objects/{objectId}", { params: one });
  check(gone.response.status === 404, "404 after the delete");
  check(gone.error?.requestError.serviceException?.messageId === "SVC0004", "the error body and its messageId");
  console.log("walk complete");
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});

// The walk on the client OpenAPI Generator's typescript-fetch generator made from our document (tests/test_interop.py).
// Objects are created as multipart/form-data: the generator generates the first request media type only.
import * as api from "./client/index";

declare const process: { env: Record<string, string | undefined>; exit(code: number): never }; // node, without @types/node

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
function check(ok: boolean, what: string): asserts ok {
  if (!ok) throw new Error(`walk step failed: ${what}`);
}

const config = new api.Configuration({ basePath: env("NMS_ROOT"), accessToken: env("NMS_TOKEN") });
const box = { storeName: "myStore", boxId: env("NMS_BOX") };
const flag = "\\Seen";

async function main(): Promise<void> {
  const folders = new api.ResourceContainingAllFoldersR10Api(config);
  const folder = await folders.createFolder({
    ...box,
    folderRequestBody: { folder: { parentFolderPath: "/", name: "OAG typescript-fetch", attributes: {} } },
  });
  check("reference" in folder, "create folder answers a Reference");
  const folderUrl = folder.reference.resourceURL;

  const objects = new api.ResourceContainingAllObjectsR1Api(config);
  const rootFields: api.ObjectBody = {
    object: { parentFolder: folderUrl, flags: { flag: [] }, attributes: { attribute: [{ name: "Subject", value: ["walk"] }] } },
  };
  const created = await objects.createObject({ ...box, rootFields, attachments: new Blob(["hello"], { type: "text/plain" }) });
  check("reference" in created, "create object answers a Reference");
  const objectUrl = created.reference.resourceURL;
  const objectId = objectUrl.split("/").pop() as string;
  const bare = await objects.createObject({ ...box, rootFields });
  check("reference" in bare, "create object without payload");

  const got = await new api.AStoredObjectR2Api(config).getObject({ ...box, objectId });
  check(got.object.parentFolder === folderUrl, "read the object");
  const payload = await new api.StoredContentOfAnObjectPayloadR5Api(config).getObjectPayloadRaw({ ...box, objectId });
  check((await payload.raw.text()) === "hello", "read the payload");

  await new api.IndividualFlagR4Api(config).setObjectFlag({ ...box, objectId, flagName: flag });
  const flags = await new api.FlagsAssociatedWithTheStoredObjectR3Api(config).getObjectFlags({ ...box, objectId });
  check(flags.flagList.flag?.includes(flag) === true, "the flag is set");

  const found = await new api.InformationAboutASelectedSetOfObjectsR7Api(config).searchObjects({
    ...box,
    selectionCriteriaBody: {
      selectionCriteria: { maxEntries: 10, searchScope: { resourceURL: folderUrl }, searchCriteria: { criterion: [{ type: api.SearchTypeEnum.Flag, name: flag, value: "true" }] } },
    },
  });
  check("objectList" in found && found.objectList.object?.[0]?.resourceURL === objectUrl, "search by the flag");

  const refs: api.ObjectReferenceList = { objectReference: [{ resourceURL: objectUrl }] };
  const copied = await new api.CopyTriggerR15Api(config).copyToFolder({
    ...box,
    targetSourceRefBody: {
      targetSourceRef: { targetRef: { resourceURL: folderUrl }, sourceRefs: { folders: { folderReference: [] }, objects: refs } },
    },
  });
  check(copied.bulkResponseList.response[0]?.code === 201, "copy");
  const deleted = await new api.BulkDeletionOfObjectsR21Api(config).bulkDeleteObjects({ ...box, bulkDeleteBody: { bulkDelete: { objects: refs } } });
  check(deleted.bulkResponseList.response[0]?.code === 200, "bulk delete");

  try {
    await new api.AStoredObjectR2Api(config).getObject({ ...box, objectId });
    check(false, "a deleted object is not found");
  } catch (e) {
    check(e instanceof api.ResponseError && e.response.status === 404, "404 after the delete");
    const body = api.RequestErrorBodyFromJSON(await e.response.json());
    check(body.requestError.serviceException?.messageId === "SVC0004", "the error body and its messageId");
  }
  console.log("walk complete");
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});

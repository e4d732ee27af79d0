// Reads rendered manifests on stdin and writes the PrometheusRule's spec (its rule groups) as a
// Prometheus rule file, for promtool check rules.
import { parseAllDocuments, stringify } from "yaml";

let input = "";
for await (const chunk of process.stdin) input += chunk;
const rules = parseAllDocuments(input).map((d) => d.toJS()).filter((o) => o && o.kind === "PrometheusRule");
if (rules.length !== 1) {
  console.error(`expected one PrometheusRule, found ${rules.length}`);
  process.exit(1);
}
process.stdout.write(stringify({ groups: rules[0].spec.groups }));

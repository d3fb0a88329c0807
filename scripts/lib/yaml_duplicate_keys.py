"""Fails when a YAML file repeats a key in one mapping (the validators keep the last one quietly;
Apple's generator and strict parsers refuse the document). Usage: python yaml_duplicate_keys.py FILE"""
import sys

import yaml


class Loader(yaml.SafeLoader):
    pass


found = []


def mapping(loader, node, deep=False):
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            found.append(f"{sys.argv[1]}:{key_node.start_mark.line + 1}: duplicate key {key!r}")
        seen.add(key)
    return yaml.SafeLoader.construct_mapping(loader, node, deep)


Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
with open(sys.argv[1], encoding="utf-8") as file:
    yaml.load(file, Loader=Loader)
for line in found:
    print(line)
sys.exit(1 if found else 0)

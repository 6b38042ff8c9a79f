"""ARM property names as the policies read them, whatever their case in the input.

Azure Resource Manager reads the property names of a resource body without regard to case
(`"DataDisks"` is `dataDisks`), and so does a what-if result that echoes a template's
body. The policies compare names exactly, so each name they read
(policies/asr_guard/azure/azure.rego; tests/test_arm_names.py holds the two lists to each
other) is put in the spelling of the REST API specs before they see it. An object with two
such names that differ only in case is refused: which one Azure would take is not the
file's to say.
"""

from __future__ import annotations

from typing import Any

# The REST API spelling of every property name the Azure change view reads.
NAMES = (
    "allowSharedKeyAccess",
    "autoProtectionOfDataDisk",
    "bypass",
    "createOption",
    "creationData",
    "dataDisks",
    "defaultAction",
    "deleteRetentionPolicy",
    "diskControllerType",
    "diskEncryptionSetId",
    "diskId",
    "diskSizeGB",
    "enabled",
    "encryption",
    "encryptionAtHost",
    "encryptionSettingsCollection",
    "fabricObjectId",
    "id",
    "lun",
    "managedDisk",
    "maxShares",
    "name",
    "networkAcls",
    "networkInterfaces",
    "networkProfile",
    "osDisk",
    "policyId",
    "primaryStagingAzureStorageAccountId",
    "properties",
    "protectedManagedDisks",
    "providerSpecificDetails",
    "publisher",
    "recoveryAzureResourceGroupId",
    "recoveryResourceGroupId",
    "securityProfile",
    "settings",
    "sku",
    "sourceResource",
    "sourceResourceId",
    "storageProfile",
    "type",
    "virtualMachine",
    "vmManagedDisks",
    "writeAcceleratorEnabled",
)
_SPELLING = {name.casefold(): name for name in NAMES}


class NameTwinError(ValueError):
    """Two property names of one object that ARM reads as one."""

    def __init__(self, pointer: str, first: str, second: str) -> None:
        super().__init__(pointer, first, second)
        self.pointer = pointer
        self.first = first
        self.second = second

    def __str__(self) -> str:
        return (
            f"at {self.pointer or '(document root)'}: keys {self.first!r} and {self.second!r}"
            " differ only in case, and ARM reads property names without regard to case:"
            " refused rather than guessed"
        )


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def canonical_names(value: Any, pointer: str = "") -> Any:
    """value with each property name the policies read in its REST spelling; the same
    object when nothing changes (values may be shared). NameTwinError for two names of one
    object that are one to ARM."""
    return _canonical(value, pointer, [])


def _canonical(value: Any, pointer: str, path: list[str]) -> Any:
    # path: the keys and indexes below pointer, as a stack (a pointer is written only for an
    # error: building one per value cost a 1k-resource template a tenth of its resolution).
    if isinstance(value, list):
        items = []
        for i, item in enumerate(value):
            path.append(str(i))
            items.append(_canonical(item, pointer, path))
            path.pop()
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items
    if not isinstance(value, dict):
        return value
    changed = False
    result: dict[str, Any] = {}
    seen: dict[str, str] = {}
    for key, item in value.items():
        name = _SPELLING.get(key.casefold(), key) if isinstance(key, str) else key
        if name in seen:
            raise NameTwinError(pointer + "".join(f"/{_escape(p)}" for p in path), seen[name], key)
        seen[name] = key
        path.append(str(key))
        new = _canonical(item, pointer, path)
        path.pop()
        changed = changed or name != key or new is not item
        result[name] = new
    return result if changed else value

"""Who may read and write the RAID log.

Everyone signed in reads Public items; PMO, steering group members and the chair also read
Restricted ones (`raid.view_restricted`). Only PMO writes. The Restricted rule is applied in
`raid.selectors.visible_items`, which every list, page, export, count and pack partial uses,
so an item a user may not read is simply absent (a guessed URL answers 404).
"""

from portal.permissions import anyone, is_pmo, reads_restricted, rule


@rule("raid.view_restricted")
def _view_restricted(user, obj=None) -> bool:
    return reads_restricted(user)


@rule("raid.edit")
def _edit(user, obj=None) -> bool:
    return is_pmo(user)


@rule("raid.import")
def _import(user, obj=None) -> bool:
    return is_pmo(user)


rule("raid.view")(anyone)
rule("raid.export")(anyone)

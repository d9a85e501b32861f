"""USB stick: the therapist's report out, settings in, with no computer.

`media` is the stick (mounted folder or FAT image), `report` and `settings`
what is done with it, `outcome` the lines a person reads, `mailbox` how the
stick unit and the mirror's service talk, and `handle` the whole
visit of one stick, which `mimicmirror stick` runs.
"""

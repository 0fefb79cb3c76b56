/* keymaps/default.keys, compiled into mwb: the defaults are an ordinary
 * keymap file (tig's tigrc model), and mwb needs no data file to run. */
	.section .rodata
	.global mwb_default_keys
	.type mwb_default_keys, @object
mwb_default_keys:
	.incbin "keymaps/default.keys"
	.byte 0
	.size mwb_default_keys, . - mwb_default_keys
	.section .note.GNU-stack,"",@progbits

/* The libvirt backend (mwb_libvirt_backend in backend.h): scenarios run
 * through the libvirt C API on two libvirt hosts. */
#pragma once

#include "backend.h"

/**
 * Reading Torch7 binary model files ({@code .t7}, {@code .t7b}, written by Lua Torch's {@code torch.save}) and
 * turning the {@code nn} modules they hold into a {@link org.visualbackprop.nn.Network}.
 *
 * <ul>
 * <li>{@link org.visualbackprop.io.torch.Torch7Reader}: the generic reader; it returns plain values
 *     ({@code null}, {@link java.lang.Double}, {@link java.lang.String}, {@link java.lang.Boolean}) and
 *     {@link org.visualbackprop.io.torch.TorchTable}, {@link org.visualbackprop.io.torch.TorchObject},
 *     {@link org.visualbackprop.io.torch.TorchTensor} and {@link org.visualbackprop.io.torch.TorchStorage}.</li>
 * <li>{@link org.visualbackprop.io.torch.TorchImport}: the conversion of {@code nn}/{@code cudnn} modules to layers,
 *     giving a {@link org.visualbackprop.io.torch.TorchModel} (the network plus what was read).</li>
 * </ul>
 *
 * <p>The format (Torch7's {@code File.lua}, binary mode; docs/paper-notes.md, section 5): little-endian; every value starts
 * with an int32 type tag: 0 nil, 1 number (float64), 2 string (int32 length and bytes), 3 table, 4 torch object,
 * 5 boolean (int32), 6 function, 7 and 8 recursive functions. Tables and torch objects then carry an int32 reference
 * index; an index seen before stands for the object already read. A table is an int32 entry count and that many
 * key-value pairs. A torch object is a version string {@code "V 1"} (absent in old files, where the string read is
 * the class name), the class name and its contents: a tensor is int32 ndim, int64 sizes, int64 strides, an int64
 * storage offset (1-based) and its storage (a torch object, possibly a back-reference); a storage is an int64 length
 * and its raw elements; anything else (an {@code nn} module) is one more value, normally a table of its fields.
 */
package org.visualbackprop.io.torch;

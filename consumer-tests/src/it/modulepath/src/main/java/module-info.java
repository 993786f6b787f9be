/** A user's module: one requires brings Weft's data, optim, layers and core modules. */
module example.modular {
    requires dev.weft.data;

    exports example.modular;
}

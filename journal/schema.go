package journal

// schema is the MySQL schema of tessera's storage/mysql (schema.sql of
// github.com/transparency-dev/tessera v1.0.4, Copyright 2024 Google LLC,
// Apache License 2.0), which that package expects to exist: one statement
// per element, each idempotent.
var schema = []string{
	"CREATE TABLE IF NOT EXISTS Tessera ( `id` TINYINT UNSIGNED NOT NULL, `compatibilityVersion` BIGINT UNSIGNED NOT NULL, PRIMARY KEY (`id`) )",
	"INSERT IGNORE INTO Tessera (`id`, `compatibilityVersion`) VALUES (0, 1)",
	"CREATE TABLE IF NOT EXISTS `Checkpoint` ( `id` TINYINT UNSIGNED NOT NULL, `note` MEDIUMBLOB NOT NULL, `published_at` BIGINT NOT NULL, PRIMARY KEY(`id`) )",
	"CREATE TABLE IF NOT EXISTS `TreeState` ( `id` TINYINT UNSIGNED NOT NULL, `size` BIGINT UNSIGNED NOT NULL, `root` TINYBLOB NOT NULL, PRIMARY KEY(`id`) )",
	"CREATE TABLE IF NOT EXISTS `Subtree` ( `level` TINYINT UNSIGNED NOT NULL, `index` BIGINT UNSIGNED NOT NULL, `nodes` MEDIUMBLOB NOT NULL, PRIMARY KEY(`level`, `index`) )",
	"CREATE TABLE IF NOT EXISTS `TiledLeaves` ( `tile_index` BIGINT UNSIGNED NOT NULL, `size` SMALLINT UNSIGNED NOT NULL, `data` LONGBLOB NOT NULL, PRIMARY KEY(`tile_index`) )",
}

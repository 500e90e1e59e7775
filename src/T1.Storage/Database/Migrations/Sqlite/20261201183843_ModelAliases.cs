using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace T1.Storage.Database.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ModelAliases : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "ArchivedAt",
                table: "model_versions",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Description",
                table: "model_versions",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TagsJson",
                table: "model_versions",
                type: "TEXT",
                nullable: false,
                defaultValue: "{}");

            migrationBuilder.CreateTable(
                name: "alias_events",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ModelName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Alias = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    FromVersion = table.Column<int>(type: "INTEGER", nullable: true),
                    ToVersion = table.Column<int>(type: "INTEGER", nullable: true),
                    By = table.Column<string>(type: "TEXT", nullable: false),
                    Reason = table.Column<string>(type: "TEXT", nullable: false),
                    DecisionId = table.Column<long>(type: "INTEGER", nullable: true),
                    At = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_alias_events", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "model_aliases",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ModelName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Alias = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    UpdatedBy = table.Column<string>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_model_aliases", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_alias_events_ModelName_Id",
                table: "alias_events",
                columns: new[] { "ModelName", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_model_aliases_ModelName_Alias",
                table: "model_aliases",
                columns: new[] { "ModelName", "Alias" },
                unique: true);

            // The champion each model had becomes its champion alias, with one event saying where it came from.
            migrationBuilder.Sql("""
                INSERT INTO model_aliases ("ModelName", "Alias", "Version", "UpdatedBy", "UpdatedAt")
                SELECT "Name", 'champion', "ChampionVersion", 'migration', "UpdatedAt" FROM models WHERE "ChampionVersion" IS NOT NULL;
                INSERT INTO alias_events ("ModelName", "Alias", "FromVersion", "ToVersion", "By", "Reason", "At")
                SELECT "Name", 'champion', NULL, "ChampionVersion", 'migration', 'champion before alias history was kept', "UpdatedAt" FROM models WHERE "ChampionVersion" IS NOT NULL;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "alias_events");

            migrationBuilder.DropTable(
                name: "model_aliases");

            migrationBuilder.DropColumn(
                name: "ArchivedAt",
                table: "model_versions");

            migrationBuilder.DropColumn(
                name: "Description",
                table: "model_versions");

            migrationBuilder.DropColumn(
                name: "TagsJson",
                table: "model_versions");
        }
    }
}

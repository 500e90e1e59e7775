using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace T1.Storage.Database.Migrations.Postgres
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
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Description",
                table: "model_versions",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TagsJson",
                table: "model_versions",
                type: "text",
                nullable: false,
                defaultValue: "{}");

            migrationBuilder.CreateTable(
                name: "alias_events",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ModelName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Alias = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    FromVersion = table.Column<int>(type: "integer", nullable: true),
                    ToVersion = table.Column<int>(type: "integer", nullable: true),
                    By = table.Column<string>(type: "text", nullable: false),
                    Reason = table.Column<string>(type: "text", nullable: false),
                    DecisionId = table.Column<long>(type: "bigint", nullable: true),
                    At = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_alias_events", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "model_aliases",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ModelName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Alias = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false),
                    UpdatedBy = table.Column<string>(type: "text", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
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
